/** Types of build-web.mjs for the TypeScript tests that build the web app. */
export interface AssetSizes {
  raw: number;
  gzip: number;
  brotli: number;
}
export interface WebBuildReport {
  firstLoad: { files: string[]; js: AssetSizes };
  assets: Record<string, AssetSizes>;
}
export const webDir: string;
export const webOutDir: string;
export function buildWeb(options?: { log?: (line: string) => void; outDir?: string }): Promise<WebBuildReport>;
