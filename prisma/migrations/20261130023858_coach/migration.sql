-- CreateTable
CREATE TABLE "jwt_identities" (
    "subject" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jwt_identities_pkey" PRIMARY KEY ("subject")
);

-- CreateTable
CREATE TABLE "coach_profiles" (
    "user_id" UUID NOT NULL,
    "display_name" TEXT,
    "target_band" DOUBLE PRECISION,
    "first_language" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "coach_profiles_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "coach_sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "part" TEXT NOT NULL,
    "topic" TEXT,
    "status" TEXT NOT NULL DEFAULT 'created',
    "summary" JSONB,
    "error" TEXT,
    "started_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coach_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coach_turns" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "question_id" TEXT,
    "part" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "words" JSONB,
    "started_at" DOUBLE PRECISION,
    "ended_at" DOUBLE PRECISION,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coach_turns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coach_analyses" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "result" JSONB,
    "prompt_version" TEXT NOT NULL,
    "prompt_checksum" TEXT NOT NULL,
    "timings" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "coach_analyses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coach_drills" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "error_type" TEXT NOT NULL,
    "session_id" UUID,
    "card" JSONB NOT NULL,
    "due_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coach_drills_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coach_drill_reviews" (
    "id" UUID NOT NULL,
    "drill_id" UUID NOT NULL,
    "rating" INTEGER NOT NULL,
    "log" JSONB NOT NULL,
    "due_before" TIMESTAMP(3) NOT NULL,
    "due_after" TIMESTAMP(3) NOT NULL,
    "reviewed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coach_drill_reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coach_reports" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "storage_key" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coach_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "jwt_identities_user_id_key" ON "jwt_identities"("user_id");

-- CreateIndex
CREATE INDEX "coach_sessions_user_id_created_at_idx" ON "coach_sessions"("user_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "coach_turns_session_id_seq_key" ON "coach_turns"("session_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "coach_analyses_session_id_key" ON "coach_analyses"("session_id");

-- CreateIndex
CREATE INDEX "coach_drills_user_id_due_at_idx" ON "coach_drills"("user_id", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "coach_drills_user_id_error_type_key" ON "coach_drills"("user_id", "error_type");

-- CreateIndex
CREATE INDEX "coach_drill_reviews_drill_id_reviewed_at_idx" ON "coach_drill_reviews"("drill_id", "reviewed_at");

-- CreateIndex
CREATE INDEX "coach_reports_session_id_idx" ON "coach_reports"("session_id");

-- AddForeignKey
ALTER TABLE "coach_turns" ADD CONSTRAINT "coach_turns_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "coach_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coach_analyses" ADD CONSTRAINT "coach_analyses_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "coach_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coach_drill_reviews" ADD CONSTRAINT "coach_drill_reviews_drill_id_fkey" FOREIGN KEY ("drill_id") REFERENCES "coach_drills"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coach_reports" ADD CONSTRAINT "coach_reports_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "coach_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
