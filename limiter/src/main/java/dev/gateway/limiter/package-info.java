/** Admission control, pure Java: rate-limit policies and circuit breakers (filled by the cluster and breaker issues). */
package dev.gateway.limiter;
