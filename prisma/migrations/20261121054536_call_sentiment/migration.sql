-- AlterTable
ALTER TABLE "call_records" ADD COLUMN     "sentiment" JSONB;
