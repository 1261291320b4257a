-- AlterTable
ALTER TABLE "call_records" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "heartbeat_at" TIMESTAMP(3),
ADD COLUMN     "idempotency_key" TEXT,
ADD COLUMN     "processing_by" TEXT,
ADD COLUMN     "request_hash" TEXT;

-- CreateIndex
CREATE INDEX "call_records_status_idx" ON "call_records"("status");

-- CreateIndex
CREATE UNIQUE INDEX "call_records_owner_id_idempotency_key_key" ON "call_records"("owner_id", "idempotency_key");
