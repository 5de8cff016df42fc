import { z } from 'zod';

/** `?page=1&pageSize=50` (pageSize at most 200), as API.md fixes for every list. */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type PageQuery = z.infer<typeof pageQuery>;

/** The list envelope `{data, page, pageSize, total}`. */
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });

export const offsetOf = (query: PageQuery): number => (query.page - 1) * query.pageSize;
