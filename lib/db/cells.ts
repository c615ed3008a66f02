import { prisma } from "./client";

export interface SavedCell {
  cellId: string;
  code: string;
  updatedAt: Date;
}

export async function ensureLearner(id: string): Promise<void> {
  await prisma.user.upsert({ where: { id }, create: { id }, update: {} });
}

export async function savedCells(userId: string, lessonSlug: string): Promise<SavedCell[]> {
  return prisma.cellState.findMany({ where: { userId, lessonSlug }, select: { cellId: true, code: true, updatedAt: true }, orderBy: { cellId: "asc" } });
}

export async function saveCell(userId: string, lessonSlug: string, cellId: string, code: string): Promise<SavedCell> {
  await ensureLearner(userId);
  return prisma.cellState.upsert({
    where: { userId_lessonSlug_cellId: { userId, lessonSlug, cellId } },
    create: { userId, lessonSlug, cellId, code },
    update: { code },
    select: { cellId: true, code: true, updatedAt: true },
  });
}
