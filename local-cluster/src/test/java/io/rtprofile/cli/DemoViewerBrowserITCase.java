package io.rtprofile.cli;

import io.rtprofile.jobs.models.definition.ModelDefinition;
import io.rtprofile.jobs.segments.definition.SegmentDefinition;
import io.rtprofile.local.demo.Demo;
import io.rtprofile.local.models.ModelPublisher;
import io.rtprofile.local.segments.SegmentPublisher;
import io.rtprofile.schema.AttributeOrigin;
import io.rtprofile.schema.ProfileUpdate;
import io.rtprofile.viewer.Viewer;
import io.rtprofile.viewer.store.ProfileStore;
import io.rtprofile.viewer.store.SearchHit;
import io.rtprofile.viewer.store.SegmentCounts;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The viewer's page in a real browser (Debian's headless chromium, driven by Selenium through its
 * chromedriver) over the demo: the generator runs, the job writes profiles, the viewer follows
 * them, and the page must show what the store holds. Screenshots go to target/viewer-screenshots,
 * or to {@code -Drtprofile.screenshots=DIR} (docs/img is refreshed that way).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoViewerBrowserITCase {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Demo demo;
    private static Viewer viewer;
    private static WebDriver browser;
    private static Path userData;
    private static Path screenshots;

    @BeforeAll
    static void startDemoAndBrowser() throws Exception {
        boolean browserHere = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!browserHere && System.getenv("RTPROFILE_REQUIRE_BROWSER") == null) {
            Assumptions.abort(
                    "no /usr/bin/chromium and /usr/bin/chromedriver: apt-get install chromium"
                            + " chromium-driver (CI installs them and sets"
                            + " RTPROFILE_REQUIRE_BROWSER, so there this test cannot be skipped)");
        }
        assertThat(browserHere).as("chromium and chromedriver installed").isTrue();
        screenshots =
                Path.of(System.getProperty("rtprofile.screenshots", "target/viewer-screenshots"));
        Files.createDirectories(screenshots);

        Path examples = Path.of("..", "examples");
        List<SegmentDefinition> segments =
                DefinitionCommands.loadDefinitions(
                        SegmentPublisher.SEGMENTS, examples.resolve("segments"), Set.of());
        List<ModelDefinition> models =
                DefinitionCommands.loadDefinitions(
                        ModelPublisher.MODELS, examples.resolve("models"), Set.of());
        demo =
                Demo.start(
                        new Demo.Settings(
                                150,
                                null,
                                400,
                                42,
                                0,
                                0,
                                freePort(),
                                0,
                                segments,
                                "examples/segments",
                                models,
                                "examples/models"),
                        new PrintStream(OutputStream.nullOutputStream()));
        viewer = demo.viewer().orElseThrow();

        userData = Files.createTempDirectory("rtprofile-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root and on a closed network: no sandbox, nothing that calls home.
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,1000",
                "--user-data-dir=" + userData);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (demo != null) {
            demo.close();
        }
        if (userData != null) {
            try (var paths = Files.walk(userData)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A profile the demo built that has something in every section: an email, attributes with their
     * origin, a segment membership.
     */
    private static ProfileUpdate aRichProfile() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        ProfileStore store = viewer.store();
        while (System.nanoTime() < deadline) {
            for (SearchHit hit : store.searchIdentities("", "email", 500)) {
                Optional<ProfileUpdate> profile = store.profile(hit.profileId());
                if (profile.isPresent()
                        && !profile.get().getSegments().isEmpty()
                        && profile.get().getAttributes().size() >= 3
                        && !store.changes(hit.profileId()).isEmpty()) {
                    return profile.get();
                }
            }
            Thread.sleep(1000);
        }
        throw new TimeoutException(
                "the demo built no profile with an email, attributes and a segment in 120 s");
    }

    private static String email(ProfileUpdate profile) {
        return profile.getIdentities().stream()
                .filter(i -> i.getNamespace().equals("email"))
                .findFirst()
                .orElseThrow()
                .getId();
    }

    private static WebElement await(By by) {
        return new WebDriverWait(browser, WAIT)
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(
                shot.toPath(),
                screenshots.resolve(name),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    @Order(1)
    void aProfileIsFoundByItsEmailAndShownAsTheStoreHasIt() throws Exception {
        ProfileUpdate expected = aRichProfile();
        String email = email(expected);
        browser.get(viewer.url());
        WebElement input = await(By.id("search-input"));
        input.sendKeys(email);
        browser.findElement(By.id("search-button")).click();

        WebElement result =
                await(
                        By.cssSelector(
                                "#search-results .search-result a.profile-link[href$='"
                                        + expected.getProfileId()
                                        + "']"));
        assertThat(
                        browser.findElement(By.cssSelector("#search-results .search-result .match"))
                                .getText())
                .contains(email);
        screenshot("viewer-search.png");
        result.click();

        WebElement profile =
                await(
                        By.cssSelector(
                                "#profile[data-profile-id='" + expected.getProfileId() + "']"));
        // The page shows the version it loaded, at least the one read here.
        ProfileUpdate shown = viewer.store().profile(expected.getProfileId()).orElseThrow();
        assertThat(profile.findElement(By.id("profile-id")).getText())
                .isEqualTo(expected.getProfileId());
        assertThat(Long.parseLong(profile.findElement(By.id("profile-version")).getText().strip()))
                .isGreaterThanOrEqualTo(expected.getVersion());
        assertThat(
                        profile.findElements(
                                By.cssSelector(
                                        "#identities tr.identity[data-namespace='email'][data-id='"
                                                + email
                                                + "']")))
                .hasSize(1);
        assertThat(profile.findElements(By.cssSelector("#identities tr.identity")))
                .hasSizeGreaterThanOrEqualTo(expected.getIdentities().size());
        for (Map.Entry<String, Object> attribute : expected.getAttributes().entrySet()) {
            if (!shown.getAttributes().containsKey(attribute.getKey())) {
                continue;
            }
            WebElement row =
                    profile.findElement(
                            By.cssSelector(
                                    "#attributes tr.attribute[data-name='"
                                            + attribute.getKey()
                                            + "']"));
            AttributeOrigin origin = shown.getAttributeOrigins().get(attribute.getKey());
            assertThat(row.findElement(By.cssSelector(".source")).getText())
                    .isEqualTo(origin.getSource());
            assertThat(row.findElement(By.cssSelector(".value")).getText()).isNotBlank();
        }
        Set<String> memberships =
                profile.findElements(By.cssSelector("#memberships tr.membership")).stream()
                        .map(e -> e.getAttribute("data-segment-id"))
                        .collect(Collectors.toSet());
        assertThat(memberships).containsAll(shown.getSegments().keySet());
        assertThat(profile.findElements(By.cssSelector("#changes .change"))).isNotEmpty();
        screenshot("viewer-profile.png");

        // The same profile by its identity in the address (a link support staff can share).
        browser.get(
                viewer.url()
                        + "#/identities/email/"
                        + URLEncoder.encode(email, StandardCharsets.UTF_8));
        assertThat(await(By.id("profile-id")).getText()).isEqualTo(expected.getProfileId());
    }

    @Test
    @Order(2)
    void theAudienceDashboardShowsEverySegmentWithItsPopulation() throws Exception {
        Set<String> known = new HashSet<>();
        viewer.store().segments().forEach(s -> known.add(s.segmentId()));
        browser.get(viewer.url() + "#/audiences");
        await(By.cssSelector("#segment-table tr.segment"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#segment-table tr.segment"));
        Set<String> shown =
                rows.stream()
                        .map(r -> r.getAttribute("data-segment-id"))
                        .collect(Collectors.toSet());
        assertThat(shown).containsAll(known);
        for (WebElement row : rows) {
            assertThat(row.findElement(By.cssSelector(".population")).getText().replace(",", ""))
                    .matches("\\d+");
        }
        await(By.cssSelector("svg.population-chart"));
        screenshot("viewer-audiences.png");

        SegmentCounts largest =
                viewer.store().segments().stream()
                        .max(java.util.Comparator.comparingLong(SegmentCounts::population))
                        .orElseThrow();
        browser.get(viewer.url() + "#/segments/" + largest.segmentId());
        await(By.cssSelector("#members tr.member"));
        assertThat(browser.findElements(By.cssSelector("#members tr.member"))).isNotEmpty();
        await(By.cssSelector("svg.population-chart"));
        screenshot("viewer-segment.png");
    }

    @Test
    @Order(3)
    void modelsShowTheirScoreDistributions() throws Exception {
        browser.get(viewer.url() + "#/models");
        await(By.id("models"));
        Set<String> models = new HashSet<>();
        viewer.store().models().forEach(m -> models.add(m.modelId()));
        for (String model : models) {
            assertThat(
                            browser.findElements(
                                    By.cssSelector(
                                            ".model[data-model-id='"
                                                    + model
                                                    + "'] svg.score-histogram")))
                    .hasSize(1);
        }
        screenshot("viewer-models.png");
    }

    @Test
    @Order(4)
    void anUnknownProfileShowsTheApisMessage() {
        browser.get(viewer.url() + "#/profiles/p-nobody");
        WebElement error = await(By.id("error"));
        assertThat(error.getText()).contains("no profile p-nobody");
    }
}
