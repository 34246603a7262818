/** Tests of the Anthropic Messages surface, with the official Anthropic SDK as the client. */
package dev.lethe.gateway.anthropic;
