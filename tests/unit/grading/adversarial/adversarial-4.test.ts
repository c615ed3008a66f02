// Shard 4 of 4 of the adversarial suite (adversarial-suite.ts): the shards run in parallel workers.
import { defineAdversarialSuite } from "./adversarial-suite";

defineAdversarialSuite(3, 4);
