-- Anonymous uploads (owner_id NULL) share one Idempotency-Key namespace. A plain unique index treats
-- NULLs as distinct, so two anonymous retries with one key could both insert; NULLS NOT DISTINCT
-- (Postgres 15+) makes the key unique among anonymous records too, and the predicate leaves the
-- many records without a key alone. Prisma cannot state either clause, so schema.prisma keeps the
-- plain @@unique and this index replaces it under the same name.
DROP INDEX "call_records_owner_id_idempotency_key_key";

CREATE UNIQUE INDEX "call_records_owner_id_idempotency_key_key" ON "call_records"("owner_id", "idempotency_key") NULLS NOT DISTINCT WHERE "idempotency_key" IS NOT NULL;
