declare module 'madge' {
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string;
    excludeRegExp?: RegExp[];
  }
  interface MadgeResult {
    /** Each file (relative to the base directory) and the files it imports. */
    obj(): Record<string, string[]>;
    circular(): string[][];
  }
  function madge(path: string, config?: MadgeConfig): Promise<MadgeResult>;
  export default madge;
}
