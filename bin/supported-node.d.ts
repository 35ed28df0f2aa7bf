export declare function unsupportedNode(version?: string, execPath?: string): string | undefined;
export declare function exitUnlessSupportedNode(): void;
