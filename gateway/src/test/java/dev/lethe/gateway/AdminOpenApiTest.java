package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.http.AdminOpenApi;
import dev.lethe.gateway.testing.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.RequestBody;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's OpenAPI document cannot drift from the code: it is a valid OpenAPI 3.1 document,
 * it documents exactly the routes the gateway mounts, its examples validate against its own
 * schemas, and the gateway's live answers validate against them too.
 */
class AdminOpenApiTest {
  @TempDir static Path data;
  static GatewayFixture fx;
  static OpenAPIContract contract;
  static JsonObject original;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    String doc = Buffer.buffer(AdminOpenApi.load()).toString();
    original = new JsonObject(doc);
    // Parsing validates the document against the OpenAPI 3.1 meta-schema and resolves its $refs.
    // The library only models JSON, form, octet-stream and plain-text bodies; the document's
    // other media types (JSON Lines for import/export, the HTML report, the decisions event stream)
    // are read as plain text for this parse, which leaves the meta-schema check unchanged.
    JsonObject raw =
        new JsonObject(
            doc.replace("\"application/x-ndjson\"", "\"text/plain\"")
                .replace("\"text/html\"", "\"text/plain\"")
                .replace("\"text/event-stream\"", "\"text/plain\""));
    contract = OpenAPIContract.from(fx.vertx, raw).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  /** "METHOD /path/{param}" for every admin route the gateway mounts. */
  private static TreeSet<String> mountedRoutes() {
    Router router = Router.router(fx.vertx);
    fx.assembly.parts().adminRoutes().accept(router);
    TreeSet<String> out = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      // Vert.x path parameters (":id") are OpenAPI's "{id}"; a regex route (":import") has no
      // path, and its name is the literal pattern.
      String openApiPath =
          r.getPath() != null ? r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}") : r.getName();
      assertThat(openApiPath).as("a mounted admin route without a path: %s", r).isNotNull();
      assertThat(r.methods()).as("methods of %s", openApiPath).isNotNull().isNotEmpty();
      for (HttpMethod m : r.methods()) {
        out.add(m.name() + " " + openApiPath);
      }
    }
    return out;
  }

  /** The request example as written in the document (the parsed contract annotates its objects). */
  private static Object requestExample(Operation op) {
    JsonObject paths = original.getJsonObject("paths");
    JsonObject raw = null;
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        Object o = paths.getJsonObject(path).getValue(method);
        if (o instanceof JsonObject j && op.getOperationId().equals(j.getString("operationId"))) {
          raw = j;
        }
      }
    }
    assertThat(raw).as(op.getOperationId()).isNotNull();
    return raw.getJsonObject("requestBody")
        .getJsonObject("content")
        .getJsonObject("application/json")
        .getValue("example");
  }

  @Test
  void isOpenApi31() {
    assertThat(contract.getRawContract().getString("openapi")).startsWith("3.1");
  }

  @Test
  void documentsExactlyTheMountedAdminRoutes() {
    // Paths as written (the parsed contract reads "/admin/rules:import" as a template).
    TreeSet<String> documented = new TreeSet<>();
    JsonObject paths = original.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (!key.equals("parameters")) {
          documented.add(key.toUpperCase(java.util.Locale.ROOT) + " " + path);
        }
      }
    }
    assertThat(documented).hasSameSizeAs(contract.operations());
    // A new admin route must be described in gateway/src/main/resources/lethe/openapi.json, and a
    // documented route must exist: both lists must be equal.
    assertThat(documented).isEqualTo(mountedRoutes());
  }

  @Test
  void everyOperationHasAnIdASummaryAndDocumentsTheUnauthorizedAnswer() {
    for (Operation op : contract.operations()) {
      JsonObject raw = op.getOpenAPIModel();
      assertThat(op.getOperationId()).as(op.getOpenAPIPath()).isNotBlank();
      assertThat(raw.getString("summary")).as(op.getOperationId()).isNotBlank();
      assertThat(raw.getJsonObject("responses").containsKey("401"))
          .as(op.getOperationId())
          .isTrue();
    }
  }

  @Test
  void everyJsonExampleValidatesAgainstItsSchema() {
    int checked = 0;
    for (Operation op : contract.operations()) {
      RequestBody rb = op.getRequestBody();
      if (rb == null) {
        continue;
      }
      for (Map.Entry<String, MediaType> e : rb.getContent().entrySet()) {
        if (!e.getKey().equals("application/json")) {
          continue;
        }
        Object example = requestExample(op);
        assertThat(example).as("example of %s", op.getOperationId()).isNotNull();
        assertValid(e.getValue(), example, op.getOperationId() + " example");
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(7);
  }

  @Test
  void aBrokenExampleFailsValidation() {
    // The check above can fail: a rule with an unknown action does not validate.
    MediaType rule =
        contract.operation("createRule").getRequestBody().getContent().get("application/json");
    OutputUnit out =
        contract
            .getSchemaRepository()
            .validator(rule.getSchema())
            .validate(new JsonObject().put("subjects", List.of("x")).put("action", "delete"));
    assertThat(out.getValid()).isFalse();
  }

  @Test
  void liveAnswersValidateAgainstTheDocumentedSchemas() throws Exception {
    // A rule from the document's own example, written through the live API.
    Object rule = requestExample(contract.operation("createRule"));
    HttpResponse<String> created = fx.admin("POST", "/admin/rules", rule.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertResponse("createRule", 201, created.body());

    Map<String, String> gets =
        Map.of(
            "listRules", "/admin/rules",
            "getRule", "/admin/rules/basil",
            "listModels", "/admin/models",
            "listUnlearnJobs", "/admin/unlearn",
            "listCompareJobs", "/admin/compare",
            "getCluster", "/admin/cluster",
            "getAudit", "/admin/audit?limit=5");
    for (Map.Entry<String, String> g : gets.entrySet()) {
      HttpResponse<String> r = fx.admin("GET", g.getValue(), null);
      assertThat(r.statusCode()).as(g.getValue() + " " + r.body()).isEqualTo(200);
      assertResponse(g.getKey(), 200, r.body());
    }
    Object text = requestExample(contract.operation("classify"));
    HttpResponse<String> verdict = fx.admin("POST", "/admin/classify", text.toString());
    assertThat(verdict.statusCode()).as(verdict.body()).isEqualTo(200);
    assertResponse("classify", 200, verdict.body());
    assertThat(new JsonObject(verdict.body()).getBoolean("inScope")).isTrue();

    HttpResponse<String> missing = fx.admin("GET", "/admin/rules/nobody", null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertResponse("getRule", 404, missing.body());

    HttpResponse<String> doc = fx.admin("GET", "/admin/openapi.json", null);
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(doc.body()).isEqualTo(Buffer.buffer(AdminOpenApi.load()).toString());
  }

  private static void assertResponse(String operationId, int status, String body) {
    Operation op = contract.operation(operationId);
    assertThat(op).as(operationId).isNotNull();
    assertThat(op.getResponse(status)).as(operationId + " documents " + status).isNotNull();
    MediaType mt = op.getResponse(status).getContent().get("application/json");
    assertThat(mt).as(operationId + " " + status + " is JSON").isNotNull();
    Object value = body.strip().startsWith("[") ? new JsonArray(body) : new JsonObject(body);
    assertValid(mt, value, operationId + " " + status + " answer");
  }

  private static void assertValid(MediaType mt, Object value, String what) {
    OutputUnit out = contract.getSchemaRepository().validator(mt.getSchema()).validate(value);
    assertThat(out.getValid()).as(what + ": " + out.getErrors() + " for " + value).isTrue();
  }
}
