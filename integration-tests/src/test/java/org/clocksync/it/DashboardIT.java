package org.clocksync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Issue 8: the dashboard every daemon serves at / on its admin port, in a real headless Chromium (Debian's chromium
 * and chromium-driver, installed by scripts/browser) driven by Selenium: all five nodes and the offset chart appear
 * and update, then the master is killed and the page shows the new coordinator and the election. Screenshots land in
 * target/dashboard.png and target/dashboard-failover.png.
 */
class DashboardIT {
    private static final Path CHROMIUM = Paths.get(env("CLOCKSYNC_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Paths.get(env("CLOCKSYNC_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Path IT_LOGS = Paths.get(System.getProperty("clocksync.itLogs", "target/it-logs"));
    private static final Path TARGET = IT_LOGS.toAbsolutePath().getParent();
    private static final Set<String> FACTORY = Set.of("LAB", "KMC", "MIT", "TAPMI", "SOLS");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * Selenium warns that it has no DevTools (CDP) classes for this Chromium; the test does not use them (only
     * WebDriver), so the warning is noise. Held here because java.util.logging keeps loggers weakly.
     */
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP_LOG.setLevel(Level.SEVERE);
    }

    @Test
    void everyDaemonServesTheDashboardFilesAndNothingElseAndLetsOtherOriginsReadItsData() throws Exception {
        try (DaemonProcess lab = new DaemonProcess(TestCluster.MASTER_MAIN, "LAB", 5, Ports.free(), Ports.free(),
                List.of("--warmup", "0"))) {
            lab.start();
            await("admin answers").atMost(Duration.ofSeconds(60)).until(() -> lab.statusOrNull() != null);

            HttpResponse<String> page = get(lab.adminPort, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(header(page, "content-type")).isEqualTo("text/html; charset=utf-8");
            assertThat(header(page, "cache-control")).isEqualTo("no-cache");
            assertThat(page.body()).contains("id=\"offset-chart\"", "/dashboard/app.js", "/status");
            assertThat(page.headers().firstValue("access-control-allow-origin")).isEmpty();
            assertThat(header(get(lab.adminPort, "/dashboard/app.js"), "content-type"))
                    .isEqualTo("text/javascript; charset=utf-8");
            assertThat(header(get(lab.adminPort, "/dashboard/app.css"), "content-type"))
                    .isEqualTo("text/css; charset=utf-8");
            assertThat(get(lab.adminPort, "/dashboard/app.js").body()).contains("/status").doesNotContain("http://",
                    "https://");

            for (String path : List.of("/dashboard/", "/dashboard/index.html", "/dashboard/../status",
                    "/dashboard/%2e%2e/AdminHandler.class", "/dashboard/app.js/", "/AdminHandler.class",
                    "/org/clocksync/node/admin/dashboard/app.js", "/dashboard/app.js%00.html", "/index.html")) {
                assertThat(get(lab.adminPort, path).statusCode()).as(path).isEqualTo(404);
            }
            for (String path : List.of("/status", "/metrics")) {
                HttpResponse<String> r = get(lab.adminPort, path);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(header(r, "access-control-allow-origin")).as(path).isEqualTo("*");
            }
        }
    }

    @Test
    void theDashboardShowsAllFiveNodesLiveAndTheFailoverWhenTheMasterDies(@TempDir Path profile) throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the dashboard test needs Debian's chromium and chromium-driver (%s, %s): run scripts/browser"
                        + " (on Debian as root it installs them; scripts/test does it first)", CHROMIUM, CHROMEDRIVER)
                .isTrue();
        // The browser first: its start takes the CPU for a while, which must not make the daemons suspect each other.
        ChromeDriver browser = startBrowser(profile);
        try (TestCluster cluster = TestCluster.factory(List.of("--interval", "500ms"), List.of())
                .withPeers("bully").start()) {
            String nodes = cluster.all().stream().map(p -> "127.0.0.1:" + p.adminPort)
                    .collect(Collectors.joining(","));
            // Opened before the lines have converged, so that the chart shows their offsets of seconds fall.
            // Convergence is not what this test measures (ConvergenceIT does): on a busy machine an election
            // during the first rounds can make it take longer, hence the generous bound.
            browser.get("http://127.0.0.1:" + cluster.master.adminPort + "/?nodes=" + nodes);
            cluster.awaitConverged(cluster.all(), Duration.ofSeconds(120));

            await("all five nodes in the table").atMost(Duration.ofSeconds(90))
                    .ignoreException(StaleElementReferenceException.class)
                    .until(() -> rows(browser).keySet().equals(FACTORY));
            WebElement chart = browser.findElement(By.id("offset-chart"));
            await("the chart has lines for five nodes").atMost(Duration.ofSeconds(90))
                    .until(() -> intAttr(chart, "data-series") == 5 && intAttr(chart, "data-points") >= 20);
            int before = intAttr(browser.findElement(By.tagName("body")), "data-updated");
            int pointsBefore = intAttr(chart, "data-points");
            await("the page refreshes").atMost(Duration.ofSeconds(60))
                    .until(() -> intAttr(browser.findElement(By.tagName("body")), "data-updated") >= before + 3
                            && intAttr(chart, "data-points") > pointsBefore);
            // On a loaded machine LAB may have been suspected and have taken over again meanwhile: wait it out.
            await("every node reachable and following LAB").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                Map<String, Row> rows = rows(browser);
                assertThat(rows.values()).allSatisfy(r -> {
                    assertThat(r.reachable()).as(r.name() + " reachable").isTrue();
                    assertThat(r.coordinator()).as(r.name() + " coordinator").isEqualTo("LAB");
                });
                assertThat(rows.get("LAB").role()).isEqualTo("MASTER");
            });
            assertThat(browser.findElements(By.cssSelector("#rounds tr[data-round-id][data-master-id='5']")))
                    .as("rounds of LAB").isNotEmpty();
            assertThat(browser.findElement(By.id("summary")).getText()).contains("5 of 5 nodes answering");
            Path shot = screenshot(browser, "dashboard.png");
            System.out.println("dashboard of the converged cluster: " + shot + "; summary: "
                    + browser.findElement(By.id("summary")).getText() + "; chart: " + chartAttrs(chart));

            cluster.master.kill();
            await("the dashboard shows SOLS as the coordinator of the others").atMost(Duration.ofSeconds(90))
                    .ignoreException(StaleElementReferenceException.class).until(() -> {
                        Map<String, Row> now = rows(browser);
                        return !now.get("LAB").reachable() && now.values().stream()
                                .filter(r -> !r.name().equals("LAB"))
                                .allMatch(r -> r.reachable() && r.coordinator().equals("SOLS"));
                    });
            await("an election won by SOLS and a marker on the chart").atMost(Duration.ofSeconds(90))
                    .ignoreException(StaleElementReferenceException.class)
                    .until(() -> !browser.findElements(By.cssSelector("#elections tr[data-coordinator-id='4']"))
                            .isEmpty() && intAttr(chart, "data-markers") >= 1);
            await("rounds of SOLS").atMost(Duration.ofSeconds(90))
                    .until(() -> !browser.findElements(By.cssSelector("#rounds tr[data-master-id='4']")).isEmpty());
            int afterFailover = intAttr(browser.findElement(By.tagName("body")), "data-updated");
            await("a few refreshes after the failover").atMost(Duration.ofSeconds(60))
                    .until(() -> intAttr(browser.findElement(By.tagName("body")), "data-updated")
                            >= afterFailover + 5);
            assertThat(rows(browser).get("SOLS").role()).isEqualTo("MASTER");
            Path failover = screenshot(browser, "dashboard-failover.png");
            System.out.println("dashboard after the master was killed: " + failover + "; summary: "
                    + browser.findElement(By.id("summary")).getText() + "; chart: " + chartAttrs(chart)
                    + "; elections: "
                    + browser.findElement(By.id("elections")).getText().replace("\n", " | "));
        } finally {
            browser.quit();
        }
    }

    /** One row of the cluster table. */
    private record Row(String name, String role, String coordinator, boolean reachable) {
    }

    /** The cluster table by node name, read in one script so that a refresh in between cannot tear it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Row> rows(ChromeDriver browser) {
        List<Map<String, Object>> raw = (List<Map<String, Object>>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#nodes tr[data-node-id]')).map(r => ({"
                        + " name: r.querySelector('.name').textContent.trim(),"
                        + " role: r.querySelector('.role').textContent.trim(),"
                        + " coordinator: (r.querySelector('.coordinator') || {textContent: ''}).textContent.trim(),"
                        + " reachable: r.classList.contains('reachable') }));");
        Map<String, Row> rows = new TreeMap<>();
        for (Map<String, Object> r : raw) {
            rows.put((String) r.get("name"), new Row((String) r.get("name"), (String) r.get("role"),
                    (String) r.get("coordinator"), Boolean.TRUE.equals(r.get("reachable"))));
        }
        return rows;
    }

    private static String chartAttrs(WebElement chart) {
        return "points=" + chart.getDomAttribute("data-points") + " series=" + chart.getDomAttribute("data-series")
                + " markers=" + chart.getDomAttribute("data-markers") + " scale=" + chart.getDomAttribute("data-scale");
    }

    private static int intAttr(WebElement e, String name) {
        String v = e.getDomAttribute(name);
        return v == null ? -1 : Integer.parseInt(v);
    }

    /**
     * Debian's chromium through Debian's chromedriver, both given by path so that Selenium Manager never runs (it
     * would try to download a browser and a driver); the flags keep Chromium off the network but for the page.
     */
    private static ChromeDriver startBrowser(Path profile) throws IOException {
        Files.createDirectories(IT_LOGS);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(IT_LOGS.resolve("chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1300", "--user-data-dir=" + profile.toAbsolutePath(), "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--disable-quic", "--lang=en-US");
        return new ChromeDriver(service, options);
    }

    /** The whole page: the window is first made as tall as the page (headless Chromium allows any size). */
    private static Path screenshot(ChromeDriver browser, String name) throws IOException {
        long height = ((Number) browser.executeScript("return document.documentElement.scrollHeight"
                + " + window.outerHeight - window.innerHeight;")).longValue();
        browser.manage().window().setSize(new Dimension(1400, (int) Math.min(4000, height)));
        Path file = TARGET.resolve(name);
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse("(none)");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
