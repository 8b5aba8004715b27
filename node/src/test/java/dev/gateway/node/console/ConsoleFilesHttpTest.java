package dev.gateway.node.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The console's static files on the admin listener: types, security headers, 404s, and no way out of its folder. */
class ConsoleFilesHttpTest {
    private static GatewayNode node;

    @BeforeAll
    static void start() throws Exception {
        node = GatewayNode.start(TestConfigs.parse("""
                node: {name: gw-console, listen: 127.0.0.1:0, admin: {listen: 127.0.0.1:0, token: s3cret}}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  u: {targets: ["http://127.0.0.1:9"]}
                routes:
                  - {id: r, match: {path: /api/**}, upstream: u}
                """));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static RawHttp.Response get(String target) throws Exception {
        return RawHttp.exchange(node.adminPort(), "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    private static String text(RawHttp.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void theIndexIsHtmlWithAStrictPolicyAndNoToken() throws Exception {
        RawHttp.Response r = get("/console/");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html").contains("charset=utf-8");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        String csp = r.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
        assertThat(text(r)).contains("<script type=\"module\" src=\"app.js\"></script>");
    }

    @Test
    void noPageHasInlineScriptsStylesOrForeignHosts() throws Exception {
        for (String page : new String[] {"/console/", "/console/index.html", "/console/api/"}) {
            String html = text(get(page));
            Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
            while (scripts.find()) {
                assertThat(scripts.group(1)).contains("src=");
                assertThat(scripts.group(2)).isBlank();
            }
            assertThat(html).doesNotContain("<style", " style=", "onclick=", "onload=", "javascript:", "//cdn", "http://",
                    "https://");
        }
    }

    @Test
    void scriptsAndStylesHaveTheirTypes() throws Exception {
        RawHttp.Response js = get("/console/app.js");
        RawHttp.Response css = get("/console/console.css");

        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(js.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(js.header("Content-Security-Policy")).isNotNull();
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
    }

    @Test
    void theChartLibraryComesFromItsWebJarUnderAFixedName() throws Exception {
        RawHttp.Response js = get("/console/lib/uplot.js");
        RawHttp.Response css = get("/console/lib/uplot.css");

        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(text(js)).contains("export { uPlot as default }");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(text(css)).contains(".uplot");
        assertThat(get("/console/lib/uPlot.esm.js").status()).isEqualTo(404);
        assertThat(get("/console/lib/../lib/uplot.js").status()).isIn(400, 404);
    }

    @Test
    void swaggerUiHasTheConsolePolicyWithDataImagesOnly() throws Exception {
        RawHttp.Response page = get("/console/api/");
        RawHttp.Response bundle = get("/console/api/swagger-ui-bundle.js");

        assertThat(page.status()).isEqualTo(200);
        assertThat(text(page)).contains("<script src=\"swagger-ui-bundle.js\"></script>", "<script src=\"init.js\"></script>");
        String csp = page.header("Content-Security-Policy");
        assertThat(csp).contains("script-src 'self';", "style-src 'self';", "img-src 'self' data:;")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.header("Content-Type")).startsWith("text/javascript");
        assertThat(get("/console/").header("Content-Security-Policy")).contains("img-src 'self';");
    }

    @Test
    void theBarePathRedirectsToTheFolder() throws Exception {
        RawHttp.Response r = get("/console");

        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo("/console/");
    }

    @Test
    void anUnknownFileIs404() throws Exception {
        RawHttp.Response r = get("/console/nothing-here.js");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/console/../logback.xml",
            "/console/..%2flogback.xml",
            "/console/%2e%2e/logback.xml",
            "/console/%2E%2E%2Flogback.xml",
            "/console/..\\logback.xml",
            "/console/..%5clogback.xml",
            "/console/pages/../../logback.xml",
            "/console/./app.js/../../logback.xml",
            "/console/%252e%252e/logback.xml",
            "/console//logback.xml",
            "/console/dev/gateway/node/GatewayNode.class",
            "/console/../dev/gateway/node/GatewayNode.class",
            "/console/app.js%00.html",
            "/console/.hidden",
    })
    void nothingOutsideTheConsoleFolderIsServed(String target) throws Exception {
        RawHttp.Response r = get(target);

        assertThat(r.status()).as(target).isIn(400, 404);
        assertThat(text(r)).doesNotContain("<configuration", "CAFEBABE");
    }

    @Test
    void onlyGetAndHeadAreAnswered() throws Exception {
        RawHttp.Response post = RawHttp.exchange(node.adminPort(), "POST /console/app.js HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n");
        RawHttp.Response head;
        try (RawHttp http = RawHttp.connect(node.adminPort())) {
            head = http.send("HEAD /console/app.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .readResponse(true);
        }

        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(head.status()).isEqualTo(200);
    }

    @Test
    void theAdminApiStillNeedsTheToken() throws Exception {
        assertThat(get("/admin/cluster").status()).isEqualTo(401);
        assertThat(get("/console/../admin/cluster").status()).isIn(400, 401, 404);
    }
}
