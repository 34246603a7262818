package dev.lethe.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lethe.gateway.testing.GatewayFixture;
import dev.lethe.gateway.testing.TinyCheckpoints;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console driven in a real headless Chromium against an in-process gateway on loopback: sign in
 * (a wrong token refused on the field), add a rule through the form, see a bad rule's error on its
 * field, see the next chat request refused in the live decisions view, and the classify
 * playground's answer (rule and score). Screenshots of each page go to {@code
 * target/console-screenshots/}. Skipped only when no Chromium and chromedriver binary is found
 * ({@code apt-get install chromium chromium-driver}).
 */
class ConsoleBrowserTest {
  private static final String QUESTION = "What genre does Basil Mahfouz Al-Kuwaiti write in?";
  private static final Path SHOTS = Path.of("target", "console-screenshots");

  @TempDir static Path data;
  static GatewayFixture fx;
  static WebDriver driver;
  static WebDriverWait wait;

  /** The first of {@code candidates} that is an executable file, or {@code null}. */
  private static String find(String env, String... candidates) {
    String given = System.getenv(env);
    if (given != null && new File(given).canExecute()) {
      return given;
    }
    for (String c : candidates) {
      if (new File(c).canExecute()) {
        return c;
      }
    }
    return null;
  }

  @BeforeAll
  static void start() throws Exception {
    String browser =
        find(
            "LETHE_CHROMIUM",
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");
    String chromedriver =
        find("LETHE_CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    assumeTrue(
        browser != null && chromedriver != null,
        "SKIPPED: no Chromium browser and chromedriver found (Debian: apt-get install chromium"
            + " chromium-driver; or set LETHE_CHROMIUM and LETHE_CHROMEDRIVER)");
    fx = GatewayFixture.start(data, "", "");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1100",
        "--no-first-run",
        "--disable-extensions");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(chromedriver))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (fx != null) {
        fx.close();
      }
    }
  }

  private static void shot(String name) throws Exception {
    Files.write(
        SHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  private static WebElement id(String id) {
    return driver.findElement(By.id(id));
  }

  private static WebElement visible(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  private static void type(String id, String text) {
    WebElement e = id(id);
    e.clear();
    e.sendKeys(text);
  }

  private static HttpResponse<String> chat(String text) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(fx.baseUrl() + "/chat/completions"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
                          + text
                          + "\"}]}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void signInAddARuleSeeItRefuseLiveAndClassify() throws Exception {
    driver.get("http://127.0.0.1:" + fx.gateway.port() + "/console");
    assertThat(driver.getTitle()).isEqualTo("Lethe console");

    // Sign in: a wrong token is refused on the field, the right one opens the rules page.
    visible("signin-token").sendKeys("not-the-admin-token-000");
    id("signin-form").findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("signin-token-error"), "not the admin token"));
    assertThat(id("signin-token").getAttribute("aria-invalid")).isEqualTo("true");
    shot("01-sign-in");
    type("signin-token", GatewayFixture.ADMIN_TOKEN);
    id("signin-token").sendKeys(Keys.ENTER);
    visible("page-rules");
    assertThat(id("nav").isDisplayed()).isTrue();
    assertThat(driver.getCurrentUrl()).doesNotContain(GatewayFixture.ADMIN_TOKEN);

    // Add a rule through the form.
    type("rule-id", "basil");
    type("rule-description", "Forget the author Basil Mahfouz Al-Kuwaiti");
    type("rule-subjects", "Basil Mahfouz Al-Kuwaiti");
    type("rule-examples", QUESTION + "\nWhere was Basil Mahfouz Al-Kuwaiti born?");
    id("rule-save").click();
    wait.until(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-rule='basil']")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "added"));
    assertThat(id("rules-version").getText()).contains("rules version 1");
    assertThat(id("status").getText()).doesNotContain("refused");
    assertThat(fx.admin("GET", "/admin/rules/basil", null).statusCode()).isEqualTo(200);

    // Search filters the list; edit changes the rule in place.
    type("rules-search", "nobody-by-that-name");
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-rule='basil']"), 0));
    type("rules-search", "kuwaiti");
    WebElement basil =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-rule='basil']")));
    basil.findElement(By.xpath(".//button[text()='Edit']")).click();
    wait.until(ExpectedConditions.textToBe(By.id("rule-form-title"), "Edit rule basil"));
    assertThat(id("rule-id").isEnabled()).isFalse();
    type("rule-description", "Forget the author Basil Mahfouz Al-Kuwaiti (edited)");
    id("rule-save").click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "saved"));
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("tr[data-rule='basil']"), "(edited)"));
    assertThat(id("rules-version").getText()).contains("rules version 2");
    assertThat(id("rule-form-title").getText()).isEqualTo("Add a rule");
    shot("02-rules");

    // A bad rule: the gateway's 400 names the field, and the console shows it on that field.
    type("rule-id", "not a valid id!");
    type("rule-subjects", "Somebody Else");
    id("rule-save").click();
    wait.until(ExpectedConditions.attributeToBe(By.id("rule-id"), "aria-invalid", "true"));
    assertThat(id("rule-id-error").getText()).contains("id");
    assertThat(id("rule-subjects").getAttribute("aria-invalid")).isNull();
    shot("03-rule-field-error");
    id("rule-cancel").click();
    id("rule-save").click(); // neither subjects nor examples
    wait.until(ExpectedConditions.attributeToBe(By.id("rule-subjects"), "aria-invalid", "true"));
    assertThat(id("rule-subjects-error").getText()).contains("subject");
    assertThat(fx.admin("GET", "/admin/rules", null).body()).contains("\"version\":2");

    // The live decisions view: the next chat request is refused by the new rule and shows up.
    driver.findElement(By.cssSelector("nav a[data-page='decisions']")).sendKeys(Keys.ENTER);
    visible("page-decisions");
    wait.until(ExpectedConditions.textToBe(By.id("decisions-state"), "live"));
    HttpResponse<String> refused = chat(QUESTION);
    assertThat(refused.statusCode()).isEqualTo(200);
    assertThat(refused.headers().firstValue("x-lethe-decision")).contains("refuse");
    WebElement row =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#decisions-table tr[data-decision='refuse']")));
    assertThat(row.getText())
        .contains("basil")
        .contains("/v1/chat/completions")
        .contains("(hidden)");
    assertThat(row.getText()).doesNotContain("genre");
    shot("04-decisions");

    // The classify playground says why: the rule and the score.
    driver.findElement(By.cssSelector("nav a[data-page='classify']")).click();
    visible("page-classify");
    type("classify-text", QUESTION);
    id("classify-form").findElement(By.cssSelector("button[type=submit]")).click();
    WebElement facts = visible("classify-facts");
    assertThat(facts.getText())
        .contains("basil")
        .contains("refuse")
        .containsPattern("\\d\\.\\d{3}");
    shot("05-classify");

    // The other pages render.
    driver.findElement(By.cssSelector("nav a[data-page='unlearn']")).click();
    visible("page-unlearn");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("unlearn-empty")));
    shot("06-unlearn");
    driver.findElement(By.cssSelector("nav a[data-page='compare']")).click();
    visible("page-compare");
    visible("compare-empty");
    shot("07-compare");

    // A comparison started from the form is listed with what it was asked and where it is, and
    // its report can be downloaded when it is done (a tiny local checkpoint answers the probes).
    Path tiny = TinyCheckpoints.random(data.resolve("tiny"), 5, 512);
    Path forget = data.resolve("forget.json");
    Files.writeString(
        forget,
        "{\"question\":\"Where was Jane Q Doe born?\",\"answer\":\"In Oslo.\"}\n"
            + "{\"question\":\"What does Jane Q Doe write?\",\"answer\":\"Poems.\"}\n");
    type(
        "compare-body",
        "{\"arms\": [\"raw\"], \"forget\": \""
            + forget.toAbsolutePath()
            + "\", \"target\": \""
            + tiny.toAbsolutePath()
            + "\", \"families\": [\"original\"], \"limit\": 2, \"maxTokens\": 4, \"seed\": 3}");
    id("compare-form").findElement(By.cssSelector("button[type=submit]")).click();
    WebElement job =
        new WebDriverWait(driver, Duration.ofSeconds(40))
            .until(
                ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//tr[@data-compare][.//button]")));
    assertThat(job.getText())
        .contains("raw; 2 questions, seed 3")
        .contains("succeeded")
        .contains("done: 1 arm")
        .contains("Download HTML report");
    shot("08-compare-done");

    // Import a JSON Lines file, then delete the imported rule (a confirm step first).
    Path jsonl = data.resolve("import.jsonl");
    Files.writeString(
        jsonl, "{\"id\":\"other\",\"subjects\":[\"Nikolai Abilov\"],\"action\":\"redact\"}\n");
    driver.findElement(By.cssSelector("nav a[data-page='rules']")).click();
    visible("page-rules");
    type("rules-search", "");
    id("import-file").sendKeys(jsonl.toAbsolutePath().toString());
    id("import-form").findElement(By.cssSelector("button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Imported 1"));
    WebElement other =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-rule='other']")));
    assertThat(other.getText()).contains("redact").contains("Nikolai Abilov");
    WebElement delete = other.findElement(By.xpath(".//button[text()='Delete']"));
    delete.click();
    wait.until(ExpectedConditions.textToBePresentInElement(delete, "Confirm delete"));
    assertThat(fx.admin("GET", "/admin/rules/other", null).statusCode()).isEqualTo(200);
    delete.click();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-rule='other']"), 0));
    assertThat(fx.admin("GET", "/admin/rules/other", null).statusCode()).isEqualTo(404);
    assertThat(driver.findElements(By.cssSelector("tr[data-rule='basil']"))).hasSize(1);

    // No script error and no Content-Security-Policy violation in the browser's console (the
    // 400 and 401 answers the scenario provoked are logged as failed loads; nothing else).
    List<LogEntry> problems =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
            .filter(e -> !e.getMessage().contains("Failed to load resource"))
            .toList();
    assertThat(problems).as("browser console").isEmpty();
  }
}
