/** Tests of the target search on the tiny fixture. */
package dev.lethe.unlearner.search;
