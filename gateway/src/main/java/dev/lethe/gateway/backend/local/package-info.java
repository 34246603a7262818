/**
 * The local backend: white-box checkpoints Lethe holds, served through the OpenAI surface.
 *
 * <p>Roles: {@link dev.lethe.gateway.backend.local.LocalBackend} maps requests to generation on the
 * checkpoint's continuous-batching scheduler (bounded batch and queue); {@link
 * dev.lethe.gateway.backend.local.ModelRegistry} owns the model names and their hot swaps; {@link
 * dev.lethe.gateway.backend.local.ModelSlot} holds the checkpoint current for one name; {@link
 * dev.lethe.gateway.backend.local.LoadedModel} is one loaded checkpoint, reference counted; {@link
 * dev.lethe.gateway.backend.local.DemoModel} unpacks the built-in demo checkpoint.
 *
 * <p>Traps: never generate or load on an event loop (both take milliseconds to seconds); never
 * touch a {@code LoadedModel}'s checkpoint without holding a reference (a swap may free it the
 * moment the last reference goes); deliver events with {@code Context.runOnContext} only, since
 * {@link dev.lethe.gateway.backend.CallHandle} is confined to the call's event loop.
 */
package dev.lethe.gateway.backend.local;
