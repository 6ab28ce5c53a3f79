/**
 * Writes schema/casctl-policy.schema.json from the protocol registry (scripts/policy-schema.ts).
 *
 * Run: node --import tsx scripts/make-policy-schema.ts
 *
 * Deterministic: re-running it on an unchanged registry leaves `git status` clean.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POLICY_SCHEMA_PATH, policySchemaText } from './policy-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, POLICY_SCHEMA_PATH), policySchemaText());
