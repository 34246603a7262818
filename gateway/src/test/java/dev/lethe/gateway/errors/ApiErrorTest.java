package dev.lethe.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One error, rendered in each wire format's own shape. */
class ApiErrorTest {

  @Test
  void aRewriteThatCannotBeExpressedIsOneErrorInEveryFormat() {
    ApiError e =
        ApiError.rewriteUnsupported("messages", "the Messages format", "a message put in front");
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("rewrite_unsupported");
    assertThat(e.message())
        .isEqualTo(
            "The request is in a forget rule's scope and its rewrite cannot be expressed in the"
                + " Messages format (a message put in front); it was refused and nothing was"
                + " sent.");
    assertThat(WireFormat.OPENAI.body(e).toString())
        .isEqualTo(
            "{\"error\":{\"message\":\""
                + e.message()
                + "\",\"type\":\"invalid_request_error\",\"param\":\"messages\","
                + "\"code\":\"rewrite_unsupported\"}}");
    assertThat(WireFormat.ANTHROPIC.body(e).toString())
        .isEqualTo(
            "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\""
                + e.message()
                + "\"}}");
  }

  @Test
  void aStatusOutsideTheErrorRangeIsRefusedNamingIt() {
    assertThatThrownBy(() -> ApiError.of(200, ErrorKind.INTERNAL, null, null, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status: 200 (expected: 400..599)");
  }
}
