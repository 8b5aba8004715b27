package dev.gateway.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.admin.AdminApi;
import dev.gateway.node.support.TestConfigs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console in a real browser (headless Chromium through the Debian {@code chromedriver}) against a real three-node
 * cluster (cluster ports 5785-5787): log in, see the three members and their config version, trip a breaker and see it
 * open on every node's console, the limits, publish a config with an error and see it at its path, publish a good one
 * and see it in the history, its diff and the audit log, stop a node and see it gone, the traffic with the faults on
 * its time axis, and the admin API in Swagger UI. Screenshots of each page go to {@code target/console-screenshots/}
 * (the README's are copies of one run, in {@code docs/console/}). Skipped without chromium and chromedriver, unless
 * {@code -Dchaos.required=true}.
 */
class ConsoleBrowserTest {
    private static final String TOKEN = "console-s3cret";
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static GatewayNode one;
    private static GatewayNode two;
    private static GatewayNode three;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        String chromium = executableOrSkip("chromium");
        String chromedriver = executableOrSkip("chromedriver");
        String cluster = "console-" + UUID.randomUUID().toString().substring(0, 8);
        one = node("gw-1", 5785, cluster);
        two = node("gw-2", 5786, cluster);
        three = node("gw-3", 5787, cluster);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory("console-chromium"));
        // the browser's console, to find Content-Security-Policy violations
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        for (GatewayNode node : new GatewayNode[] {three, two, one}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static GatewayNode node(String name, int clusterPort, String clusterName) throws Exception {
        return GatewayNode.start(TestConfigs.parse("""
                node: {name: %s, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0, token: %s}}
                cluster:
                  name: %s
                  listen: 127.0.0.1:%d
                  discovery: {static: [127.0.0.1:5785, 127.0.0.1:5786, 127.0.0.1:5787]}
                  expected-size: 3
                  min-size: 1
                  allow-minority: true
                """.formatted(name, TOKEN, clusterName, clusterPort) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  users: {targets: ["http://127.0.0.1:9"], circuit-breaker: {failure-rate: 50%, minimum-calls: 5, window: 10s, open-for: 30s}}
                rate-limits:
                  per-ip: {algorithm: token-bucket, limit: 100, per: 1m, key: ip}
                routes:
                  - {id: users, match: {path: /users/**}, upstream: users, rate-limits: [per-ip]}
                """));
    }

    /** Waits up to {@code atMost}, retrying reads that met an element the page's refresh replaced meanwhile. */
    private static ConditionFactory await(Duration atMost) {
        return org.awaitility.Awaitility.await().atMost(atMost).ignoreExceptionsInstanceOf(WebDriverException.class);
    }

    private static ConditionFactory await() {
        return await(WAIT);
    }

    @Test
    void anOperatorSeesTheClusterItsTrafficAndItsFaults() throws Exception {
        browser.get(console(one));

        // a wrong token is refused and not kept
        await().until(() -> browser.findElement(By.id("login")).isDisplayed());
        logIn("wrong");
        await().until(() -> text("login-error").contains("refused"));
        assertThat(script("return sessionStorage.getItem('gateway.console.token')")).isNull();
        screenshot("login");

        logIn(TOKEN);
        await().until(() -> browser.findElement(By.id("page-cluster")).isDisplayed());
        assertThat(script("return sessionStorage.getItem('gateway.console.token')")).isEqualTo(TOKEN);

        // three members, up and ready, on one config version
        await().untilAsserted(() -> {
            for (String node : List.of("gw-1", "gw-2", "gw-3")) {
                WebElement row = nodeRow(node);
                assertThat(row.getAttribute("class")).isEqualTo("up");
                assertThat(row.findElement(By.className("ready")).getText()).isEqualTo("yes");
                assertThat(row.findElement(By.className("config-version")).getText()).isEqualTo("1");
            }
            assertThat(text("cluster-facts")).contains("cluster console-", "3 (min 1, expected 3)");
        });
        await().untilAsserted(() -> assertThat(nodeRow("gw-1").getText()).contains("(this node)"));
        screenshot("cluster");

        // a reload keeps the session (sessionStorage), and the refresh keeps going
        browser.navigate().refresh();
        await().until(() -> browser.findElement(By.id("page-cluster")).isDisplayed());

        // the upstream refuses connections, seen by every node (the cluster opens a breaker on the evidence of a
        // majority of the nodes): it opens, on every node's console
        long tripped = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            for (GatewayNode node : List.of(one, two, three)) {
                proxyGet(node, "/users/" + i);
            }
        }
        for (GatewayNode node : List.of(one, two, three)) {
            if (node != one) {
                browser.get(console(node));
                await().until(() -> browser.findElement(By.id("login")).isDisplayed());
                logIn(TOKEN);
            }
            browser.get(console(node) + "#breakers");
            await().untilAsserted(() -> {
                WebElement row = browser.findElement(By.cssSelector("#breakers-table tr[data-upstream='users']"));
                assertThat(row.findElement(By.className("cluster-state")).getText()).isEqualTo("open");
            });
        }
        System.out.printf("ConsoleBrowserTest: a tripped breaker shown open on the three consoles %d ms after the"
                + " first failing request%n", (System.nanoTime() - tripped) / 1_000_000);
        browser.get(console(one) + "#breakers");
        await().untilAsserted(() -> assertThat(browser.findElement(
                By.cssSelector("#breakers-table tr[data-upstream='users'] .cluster-state")).getText()).isEqualTo("open"));
        screenshot("breakers");
        browser.findElement(By.id("nav-cluster")).click();
        await().untilAsserted(() -> {
            for (String node : List.of("gw-1", "gw-2", "gw-3")) {
                assertThat(nodeRow(node).getText()).contains("users: open");
            }
        });

        browser.findElement(By.id("nav-limits")).click();
        browser.findElement(By.id("limits-policy")).sendKeys("per-ip");
        browser.findElement(By.id("limits-key")).sendKeys("127.0.0.1");
        browser.findElement(By.id("limits-lookup")).click();
        await().untilAsserted(() -> {
            assertThat(browser.findElement(By.cssSelector("#limits-result dd[data-fact='remaining']")).getText())
                    .matches("\\d+ of 100");
            assertThat(browser.findElement(By.cssSelector("#limits-result dd[data-fact='owner']")).getText())
                    .matches("gw-[123]");
            WebElement policy = browser.findElement(By.cssSelector("#limits-policies tr[data-policy='per-ip']"));
            assertThat(policy.findElement(By.className("allowed")).getText()).isEqualTo("12");
            assertThat(policy.findElement(By.className("limited")).getText()).isEqualTo("0");
            assertThat(policy.findElement(By.className("allowed-rate")).getText()).matches("\\d+\\.\\d");
        });
        screenshot("limits");

        // a config with an error: the error at its path, nothing published
        browser.findElement(By.id("nav-config")).click();
        await().until(() -> browser.findElement(By.id("config-text")).getDomProperty("value").contains("users"));
        String inForce = browser.findElement(By.id("config-text")).getDomProperty("value");
        WebElement text = browser.findElement(By.id("config-text"));
        text.clear();
        text.sendKeys("upstreams:\n  users: {targets: [\"http://127.0.0.1:9\"]}\n"
                + "routes:\n  - {id: users, match: {path: /users/**}, upstream: ordrs}\n");
        browser.findElement(By.id("config-publish")).click();
        await().untilAsserted(() -> {
            WebElement error = browser.findElement(By.cssSelector("#config-errors li[data-path='routes[0].upstream']"));
            assertThat(error.getText()).contains("routes[0].upstream", "'ordrs' is not a defined upstream");
        });
        await().untilAsserted(() -> {
            assertThat(text("config-outcome")).contains("invalid config");
            assertThat(browser.findElement(By.cssSelector("#config-facts dd[data-fact='version here']")).getText())
                    .isEqualTo("1");
        });
        screenshot("config-error");

        // a good one: published, kept in the history with who and when, diffable, audited
        setValue("config-text", inForce.replaceAll("(?m)^# .*\n", "").replace("limit: 100", "limit: 200"));
        browser.findElement(By.id("config-publish")).click();
        await().untilAsserted(() -> assertThat(text("config-outcome")).contains("published: version 2"));
        await().untilAsserted(() -> {
            WebElement v2 = browser.findElement(By.cssSelector("#config-history tr[data-version='2']"));
            assertThat(v2.findElement(By.className("published-by")).getText())
                    .isEqualTo("admin token from 127.0.0.1 via gw-1 (admin API)");
            assertThat(browser.findElements(By.cssSelector("#diff-from option"))).hasSize(2);
        });
        choose("diff-from", "1");
        choose("diff-to", "2");
        browser.findElement(By.id("diff-show")).click();
        await().untilAsserted(() -> {
            assertThat(text("diff-summary")).contains("v1 to v2", "1 added, 1 removed");
            assertThat(browser.findElement(By.cssSelector("#diff-lines .line-del")).getText()).contains("limit: 100");
            assertThat(browser.findElement(By.cssSelector("#diff-lines .line-add")).getText()).contains("limit: 200");
        });
        await().untilAsserted(() -> {
            List<WebElement> rows = browser.findElements(By.cssSelector("#audit-log tbody tr"));
            // the broken config never left the browser as a write: the console validated it first (not audited)
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).getText()).contains("admin token from 127.0.0.1", "gw-1", "PUT /admin/config", "200",
                    "published version 2");
        });
        scrollTo("config-history");
        screenshot("config-history");

        // a node stops: its row stays, shown as gone
        browser.findElement(By.id("nav-cluster")).click();
        long stopped = System.nanoTime();
        three.close();
        three = null;
        await(Duration.ofSeconds(40)).untilAsserted(() ->
                assertThat(nodeRow("gw-3").getAttribute("class")).isEqualTo("gone"));
        System.out.printf("ConsoleBrowserTest: a stopped node shown gone %d ms after its close() began%n",
                (System.nanoTime() - stopped) / 1_000_000);
        await().untilAsserted(() -> {
            assertThat(nodeRow("gw-1").getAttribute("class")).isEqualTo("up");
            assertThat(nodeRow("gw-2").getAttribute("class")).isEqualTo("up");
            assertThat(nodeRow("gw-2").findElement(By.className("config-version")).getText()).startsWith("2");
        });
        screenshot("cluster-node-gone");

        // the traffic of every node, with the faults on the time axis
        for (int i = 0; i < 5; i++) {
            proxyGet(two, "/users/after-" + i);
        }
        browser.findElement(By.id("nav-traffic")).click();
        await().untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector("#traffic-requests canvas"))).isNotEmpty();
            assertThat(text("traffic-legend")).contains("gw-1", "gw-2", "gw-3");
            assertThat(browser.findElements(By.cssSelector("#traffic-faults tr[data-kind='breaker-open']"))).isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#traffic-faults tr[data-kind='config-published']")))
                    .isNotEmpty();
            assertThat(browser.findElement(By.cssSelector("#traffic-faults tr[data-kind='node-gone']")).getText())
                    .contains("gw-3");
        });
        choose("traffic-view", "routes");
        await().untilAsserted(() -> assertThat(text("traffic-legend")).contains("users"));
        choose("traffic-view", "nodes");
        await().untilAsserted(() -> assertThat(text("traffic-legend")).contains("gw-1"));
        screenshot("traffic");

        // the admin API in Swagger UI, with this tab's token, under the console's policy
        browser.findElement(By.id("nav-api")).click();
        await().untilAsserted(() -> {
            assertThat(browser.findElements(By.cssSelector(".opblock"))).hasSizeGreaterThanOrEqualTo(AdminApi.ROUTES.size());
            assertThat(browser.findElement(By.id("swagger-ui")).getText()).contains("/admin/traffic", "/admin/config/diff");
        });
        screenshot("api");

        // nothing any page did was refused by the console's Content-Security-Policy
        List<String> refused = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy")).toList();
        refused.forEach(m -> System.out.println("ConsoleBrowserTest: CSP: " + m));
        assertThat(refused).isEmpty();
    }

    private static String console(GatewayNode node) {
        return "http://127.0.0.1:" + node.adminPort() + "/console/";
    }

    private static void proxyGet(GatewayNode node, String path) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpResponse<Void> r = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        System.out.printf("ConsoleBrowserTest: GET %s on port %d: %d%n", path, node.proxyPort(), r.statusCode());
    }

    /** Picks an option of a select as a person would: the value, then a change event. */
    private static void choose(String id, String value) {
        ((JavascriptExecutor) browser).executeScript("const s = document.getElementById(arguments[0]);"
                + " s.value = arguments[1]; s.dispatchEvent(new Event('change'));", id, value);
    }

    private static void setValue(String id, String value) {
        ((JavascriptExecutor) browser).executeScript("document.getElementById(arguments[0]).value = arguments[1]", id,
                value);
    }

    private static void scrollTo(String id) {
        ((JavascriptExecutor) browser).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
    }

    private static void logIn(String token) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("login-button")).click();
    }

    private static WebElement nodeRow(String node) {
        return browser.findElement(By.cssSelector("#cluster-nodes tr[data-node='" + node + "']"));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The executable on the PATH; skips the test without it (fails under -Dchaos.required=true). */
    private static String executableOrSkip(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        String message = name + " is not on the PATH (apt-get install chromium chromium-driver): the console's browser"
                + " test cannot run";
        if (Boolean.getBoolean("chaos.required")) {
            fail(message + ", and -Dchaos.required=true");
        }
        Assumptions.abort(message);
        return null;
    }
}
