package io.ballast.console.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through ChromeDriver, both from Debian ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}); Selenium is never allowed to fetch a browser or a driver. One instance is one
 * browser profile: its cookies are one user's session.
 */
public final class Browser implements AutoCloseable {

    /** Debian's Chromium. */
    public static final String CHROMIUM = "/usr/bin/chromium";
    /** Debian's ChromeDriver, matching {@link #CHROMIUM}. */
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private final ChromeDriver driver;
    private final Path profile;
    private final WebDriverWait wait;

    /** Starts a fresh headless browser at laptop size (1366 x 900). */
    public Browser() {
        if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
            throw new IllegalStateException("the console tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run installs them)");
        }
        try {
            profile = Files.createTempDirectory("ballast-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1366,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1366, 900));
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    }

    /** @return the underlying driver */
    public ChromeDriver driver() {
        return driver;
    }

    /**
     * Opens a console URL and, when Keycloak's login page comes up, signs in through it.
     *
     * @param url      the console page
     * @param username Keycloak username
     * @param password its password
     */
    public void signIn(String url, String username, String password) {
        driver.get(url);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
        wait.until(d -> d.getCurrentUrl().startsWith(url.substring(0, url.indexOf('/', "http://".length()))));
        waitFor(By.tagName("main"));
    }

    /**
     * @param by locator
     * @return the element once present (30 s at most)
     */
    public WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(by));
    }

    /**
     * Waits until an element's text contains every fragment, looking it up afresh each time: after a form is
     * submitted, the element of the page before (an earlier outcome with the same id) may still be found and then go
     * stale while the answer replaces the page. Chromium reports that node either as stale or as an inspector error
     * ("does not belong to the document"); both mean "look again".
     *
     * @param by        how to find the element
     * @param fragments what its text must contain
     * @return the text
     */
    public String waitForText(By by, String... fragments) {
        return wait.ignoring(StaleElementReferenceException.class).until(d -> {
            String text;
            try {
                text = d.findElement(by).getText();
            } catch (WebDriverException e) {
                // Chromium sometimes reports a node of the replaced page this way rather than as stale
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return null;
                }
                throw e;
            }
            for (String f : fragments) {
                if (!text.contains(f)) {
                    return null;
                }
            }
            return text;
        });
    }

    /**
     * Saves a PNG of the current page.
     *
     * @param name file name without extension, under {@code target/screenshots/}
     */
    public void screenshot(String name) {
        screenshot(name, null);
    }

    /**
     * Saves a PNG of the current page, scrolled so that an element is in view.
     *
     * @param name  file name without extension, under {@code target/screenshots/}
     * @param focus the element to bring into view, or null for the top of the page
     */
    public void screenshot(String name, By focus) {
        if (focus != null) {
            driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", driver.findElement(focus));
        }
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs an async script ({@code arguments[arguments.length - 1]} is the callback) and returns its result.
     *
     * @param script the script
     * @return its result
     */
    public Object async(String script) {
        return driver.executeAsyncScript(script);
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp profile left behind is harmless
        }
    }
}
