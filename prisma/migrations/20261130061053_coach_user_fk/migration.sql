-- Rows whose user no longer exists (only a hand-edited database can have them) would stop the foreign
-- keys below; nobody can reach them, so they go first.
DELETE FROM "jwt_identities" WHERE "user_id" NOT IN (SELECT "id" FROM "users");
DELETE FROM "coach_profiles" WHERE "user_id" NOT IN (SELECT "id" FROM "users");
DELETE FROM "coach_sessions" WHERE "user_id" NOT IN (SELECT "id" FROM "users");
DELETE FROM "coach_drills" WHERE "user_id" NOT IN (SELECT "id" FROM "users");
DELETE FROM "coach_reports" WHERE "user_id" NOT IN (SELECT "id" FROM "users");

-- CreateIndex
CREATE INDEX "coach_reports_user_id_idx" ON "coach_reports"("user_id");

-- AddForeignKey
ALTER TABLE "jwt_identities" ADD CONSTRAINT "jwt_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coach_profiles" ADD CONSTRAINT "coach_profiles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coach_sessions" ADD CONSTRAINT "coach_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coach_drills" ADD CONSTRAINT "coach_drills_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coach_reports" ADD CONSTRAINT "coach_reports_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
