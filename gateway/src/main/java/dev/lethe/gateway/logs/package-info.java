/**
 * Logging: the two formats of every log line ({@link dev.lethe.gateway.logs.LogFormat}: human by
 * default, JSON lines with {@code lethe serve --log-format json}), request ids ({@link
 * dev.lethe.gateway.logs.RequestIds}: the {@code x-request-id} header, honoured when safe, else
 * generated, and echoed on every response), and the access log ({@link
 * dev.lethe.gateway.logs.AccessLog}: one line per request on the {@code lethe.access} logger).
 *
 * <p>Trap: nothing here may log what a client sent beyond the request line's method and the route
 * template (never the raw path or query string, a header or a body): prompts, tokens and keys in
 * query strings stay out of every log.
 */
package dev.lethe.gateway.logs;
