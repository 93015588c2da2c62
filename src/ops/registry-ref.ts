/**
 * Registry references as the adapters see them (the parser lives in registry/, which
 * adapters do not import).
 */
export { formatRegistryRef, parseRegistryRef, type RegistryRef } from '../registry/reference.js';
