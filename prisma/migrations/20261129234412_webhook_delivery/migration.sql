-- CreateEnum
CREATE TYPE "WebhookStatus" AS ENUM ('pending', 'delivered', 'failed');

-- AlterTable
ALTER TABLE "call_records" ADD COLUMN     "webhook_attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "webhook_delivered_at" TIMESTAMP(3),
ADD COLUMN     "webhook_last_error" TEXT,
ADD COLUMN     "webhook_status" "WebhookStatus";
