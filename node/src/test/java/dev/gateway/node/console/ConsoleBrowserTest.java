package dev.gateway.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gateway.node.GatewayNode;
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
 * The console in a real browser (headless Chromium through the Debian {@code chromedriver}) against a real two-node
 * cluster (cluster ports 5785-5786): log in, see both members and their config version, the breakers and a limit
 * lookup, publish a config with an error and see it at its path, stop a node and see it gone. Screenshots of each
 * page go to {@code target/console-screenshots/}. Skipped without chromium and chromedriver, unless
 * {@code -Dchaos.required=true}.
 */
class ConsoleBrowserTest {
    private static final String TOKEN = "console-s3cret";
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static GatewayNode one;
    private static GatewayNode two;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        String chromium = executableOrSkip("chromium");
        String chromedriver = executableOrSkip("chromedriver");
        String cluster = "console-" + UUID.randomUUID().toString().substring(0, 8);
        one = node("gw-1", 5785, cluster);
        two = node("gw-2", 5786, cluster);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory("console-chromium"));
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
        for (GatewayNode node : new GatewayNode[] {two, one}) {
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
                  discovery: {static: [127.0.0.1:5785, 127.0.0.1:5786]}
                  expected-size: 2
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
    void anOperatorSeesTheClusterAndCannotPublishABrokenConfig() throws Exception {
        browser.get("http://127.0.0.1:" + one.adminPort() + "/console/");

        // a wrong token is refused and not kept
        await().until(() -> browser.findElement(By.id("login")).isDisplayed());
        logIn("wrong");
        await().until(() -> text("login-error").contains("refused"));
        assertThat(script("return sessionStorage.getItem('gateway.console.token')")).isNull();
        screenshot("login");

        logIn(TOKEN);
        await().until(() -> browser.findElement(By.id("page-cluster")).isDisplayed());
        assertThat(script("return sessionStorage.getItem('gateway.console.token')")).isEqualTo(TOKEN);

        // both members, up and ready, on one config version
        await().untilAsserted(() -> {
            for (String node : List.of("gw-1", "gw-2")) {
                WebElement row = nodeRow(node);
                assertThat(row.getAttribute("class")).isEqualTo("up");
                assertThat(row.findElement(By.className("ready")).getText()).isEqualTo("yes");
                assertThat(row.findElement(By.className("config-version")).getText()).isEqualTo("1");
            }
            assertThat(text("cluster-facts")).contains("cluster console-", "2 (min 1, expected 2)");
        });
        await().untilAsserted(() -> assertThat(nodeRow("gw-1").getText()).contains("(this node)"));
        screenshot("cluster");

        // a reload keeps the session (sessionStorage), and the refresh keeps going
        browser.navigate().refresh();
        await().until(() -> browser.findElement(By.id("page-cluster")).isDisplayed());

        browser.findElement(By.id("nav-breakers")).click();
        await().untilAsserted(() -> {
            WebElement row = browser.findElement(By.cssSelector("#breakers-table tr[data-upstream='users']"));
            assertThat(row.findElement(By.className("state-here")).getText()).isEqualTo("closed");
        });
        screenshot("breakers");

        browser.findElement(By.id("nav-limits")).click();
        browser.findElement(By.id("limits-policy")).sendKeys("per-ip");
        browser.findElement(By.id("limits-key")).sendKeys("10.0.0.1");
        browser.findElement(By.id("limits-lookup")).click();
        await().untilAsserted(() -> {
            assertThat(browser.findElement(By.cssSelector("#limits-result dd[data-fact='remaining']")).getText())
                    .isEqualTo("100 of 100");
            assertThat(browser.findElement(By.cssSelector("#limits-result dd[data-fact='owner']")).getText())
                    .matches("gw-[12]");
        });
        screenshot("limits");

        // a config with an error: the error at its path, nothing published
        browser.findElement(By.id("nav-config")).click();
        await().until(() -> browser.findElement(By.id("config-text")).getDomProperty("value")
                .contains("users"));
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

        // a node stops: its row stays, shown as gone
        browser.findElement(By.id("nav-cluster")).click();
        long stopped = System.nanoTime();
        two.close();
        two = null;
        await(Duration.ofSeconds(40)).untilAsserted(() ->
                assertThat(nodeRow("gw-2").getAttribute("class")).isEqualTo("gone"));
        System.out.printf("ConsoleBrowserTest: a stopped node shown gone %d ms after its close() began%n",
                (System.nanoTime() - stopped) / 1_000_000);
        await().untilAsserted(() -> assertThat(nodeRow("gw-1").getAttribute("class")).isEqualTo("up"));
        screenshot("cluster-node-gone");
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
