-- AlterTable
ALTER TABLE "ProductUserDay" DROP COLUMN "events";
