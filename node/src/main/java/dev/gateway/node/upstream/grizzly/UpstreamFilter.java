package dev.gateway.node.upstream.grizzly;

import java.io.IOException;
import org.glassfish.grizzly.CloseReason;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;

/** The last filter of upstream connections: hands parsed response pieces and closes to the exchange. */
final class UpstreamFilter extends BaseFilter {
    private final Attribute<PooledConnection> attribute;

    UpstreamFilter(Attribute<PooledConnection> attribute) {
        this.attribute = attribute;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        PooledConnection pooled = attribute.get(connection);
        UpstreamTunnelEnd tunnel = pooled == null ? null : pooled.tunnel;
        if (tunnel != null) {
            tunnel.onContent((HttpContent) ctx.getMessage());
            return ctx.getStopAction();
        }
        UpstreamExchange exchange = pooled == null ? null : pooled.exchange;
        if (exchange == null) {
            // Bytes on an idle connection: the upstream is not speaking HTTP/1.1 as agreed.
            connection.closeSilently();
        } else {
            Object more = ctx.getAttributes().removeAttribute(HeadFirstChunkedResponses.MORE_IN_READ);
            if (!UpstreamTunnelEnd.takeOver(exchange, pooled, (HttpContent) ctx.getMessage())) {
                exchange.onContent((HttpContent) ctx.getMessage(), Boolean.TRUE.equals(more));
            }
        }
        return ctx.getStopAction();
    }

    @Override
    public NextAction handleClose(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        PooledConnection pooled = attribute.get(connection);
        if (pooled != null && pooled.tunnel != null) {
            pooled.tunnel.onClosed();
        }
        if (pooled != null && !pooled.detached) {
            pooled.pool.onClosed(pooled);
            UpstreamExchange exchange = pooled.exchange;
            if (exchange != null) {
                CloseReason reason = connection.getCloseReason();
                exchange.onConnectionClosed(pooled, reason == null ? null : reason.getCause());
            }
        }
        return ctx.getInvokeAction();
    }

    @Override
    public void exceptionOccurred(FilterChainContext ctx, Throwable error) {
        PooledConnection pooled = attribute.get(ctx.getConnection());
        if (pooled != null) {
            UpstreamExchange exchange = pooled.exchange;
            if (exchange != null) {
                exchange.onError(pooled, error);
            }
        }
        ctx.getConnection().closeSilently();
    }
}
