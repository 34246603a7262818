/**
 * The gateway's one error vocabulary and its renderers. An {@link
 * dev.lethe.gateway.errors.ApiError} says what went wrong in the gateway's own terms (an {@link
 * dev.lethe.gateway.errors.ErrorKind}, a status, a machine-readable code, the offending parameter,
 * a one-line message); a {@link dev.lethe.gateway.errors.WireFormat} renders it in the shape the
 * client's API expects — OpenAI's {@code {"error":{"message","type","param","code"}}} or
 * Anthropic's {@code {"type":"error","error":{"type","message"}}}, as a body or as a stream event.
 * Handlers build errors from the named factories here instead of assembling JSON.
 */
package dev.lethe.gateway.errors;
