import type { Redis } from 'ioredis';

export declare function deleteKeys(redis: Redis, prefix: string): Promise<void>;
export declare function deleteRedisPrefix(url: string, prefix: string): Promise<void>;
