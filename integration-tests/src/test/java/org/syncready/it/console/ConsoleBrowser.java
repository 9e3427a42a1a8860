package org.syncready.it.console;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium from Debian's {@code chromium} package, driven through Debian's
 * {@code chromium-driver} with Selenium (no browser or driver download), with a fresh profile folder.
 * Without the browser a test is skipped with the reason, or fails when {@code SYNCREADY_REQUIRE_BROWSER=1}
 * (CI sets it: {@code .ci/run} installs the packages). Screenshots go to
 * {@code integration-tests/target/screenshots/<test>/<name>.png}.
 */
public final class ConsoleBrowser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The bureau's office PC. */
    public static final Dimension DESKTOP = new Dimension(1366, 768);
    /** A technician's phone. */
    public static final Dimension PHONE = new Dimension(375, 812);

    private final WebDriver driver;
    private final Path profile;
    private final Path screenshots;
    private final String base;

    private ConsoleBrowser(WebDriver driver, Path profile, Path screenshots, String base) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
        this.base = base;
    }

    /** Skips the calling test (or fails it, with SYNCREADY_REQUIRE_BROWSER=1) when Chromium or its driver is missing. */
    public static void requireBrowser() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (present) {
            return;
        }
        String why = "browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): apt-get install chromium chromium-driver";
        if ("1".equals(System.getenv("SYNCREADY_REQUIRE_BROWSER"))) {
            fail(why + " (SYNCREADY_REQUIRE_BROWSER=1)");
        }
        Assumptions.abort(why);
    }

    /**
     * Starts a browser against {@code base} (e.g. {@code http://127.0.0.1:PORT}); screenshots of {@code test}
     * go to target/screenshots/{test}/.
     */
    public static ConsoleBrowser open(String base, String test, Dimension size) {
        requireBrowser();
        try {
            Path profile = Files.createTempDirectory("syncready-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            // Without the background-networking flags Chromium opens connections this closed network refuses.
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + size.width + "," + size.height,
                    "--lang=zh-CN");
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(size);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            Path shots = Path.of("target", "screenshots", test).toAbsolutePath();
            Files.createDirectories(shots);
            return new ConsoleBrowser(driver, profile, shots, base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public String base() {
        return base;
    }

    /** Opens a path of the console ({@code /console/today}). */
    public ConsoleBrowser go(String path) {
        driver.get(base + path);
        return this;
    }

    /** Logs in through the login form, as a person would: the form lands on the console's home (or {@code next}). */
    public ConsoleBrowser login(String user, String password) {
        driver.get(base + "/");
        waitFor(By.name("username"));
        driver.findElement(By.name("username")).sendKeys(user);
        driver.findElement(By.name("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form[action='/login'] button[type=submit]")).click();
        try {
            waitFor(By.cssSelector("header.top [data-testid=user]"));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("login-failed");
            throw new AssertionError("no console page after logging in as " + user + " at " + driver.getCurrentUrl() + ":\n"
                    + driver.getPageSource(), e);
        }
        return this;
    }

    public WebElement waitFor(By by) {
        return waitFor(by, Duration.ofSeconds(30));
    }

    public WebElement waitFor(By by, Duration atMost) {
        return new WebDriverWait(driver, atMost).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public String text(By by) {
        return driver.findElement(by).getText();
    }

    /** Saves a screenshot of the window as {@code <name>.png}; returns its path. */
    public Path screenshot(String name) {
        File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path to = screenshots.resolve(name + ".png");
        try {
            Files.copy(f.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    /** Empties the browser's HTTP cache (DevTools protocol), for a first-visit measurement. */
    public void clearCache() {
        ((ChromeDriver) driver).executeCdpCommand("Network.clearBrowserCache", java.util.Map.of());
    }

    /** Runs a script in the page and returns its value. */
    public Object js(String script, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, args);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> all = Files.walk(profile)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A profile folder left in /tmp is harmless.
            }
        }
    }
}
