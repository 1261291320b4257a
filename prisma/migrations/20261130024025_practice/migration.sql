-- CreateTable
CREATE TABLE "practice_conversations" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "owner_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "practice_conversations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practice_messages" (
    "id" UUID NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "transcript" TEXT,
    "correction" TEXT,
    "explanation" TEXT,
    "category" TEXT,
    "score" INTEGER,
    "audio_key" TEXT,
    "engine" TEXT,
    "prompt_version" TEXT,
    "timings" JSONB,
    "voice_seconds" DOUBLE PRECISION,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "practice_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practice_usage_days" (
    "user_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "voice_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "score_sum" INTEGER NOT NULL DEFAULT 0,
    "scored_messages" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "practice_usage_days_pkey" PRIMARY KEY ("user_id","day")
);

-- CreateIndex
CREATE INDEX "practice_conversations_user_id_updated_at_idx" ON "practice_conversations"("user_id", "updated_at" DESC);

-- CreateIndex
CREATE INDEX "practice_messages_conversation_id_created_at_idx" ON "practice_messages"("conversation_id", "created_at");

-- AddForeignKey
ALTER TABLE "practice_messages" ADD CONSTRAINT "practice_messages_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "practice_conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
