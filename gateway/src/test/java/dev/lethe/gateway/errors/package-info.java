/** Tests of the error vocabulary and its renderers. */
package dev.lethe.gateway.errors;
