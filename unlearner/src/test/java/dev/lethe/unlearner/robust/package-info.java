/** Tests of the robustness probes on hand-made numbers and a tiny random model. */
package dev.lethe.unlearner.robust;
