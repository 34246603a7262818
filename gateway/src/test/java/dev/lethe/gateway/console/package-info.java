/** Tests of the web console: its assets over HTTP, and the console driven in headless Chromium. */
package dev.lethe.gateway.console;
