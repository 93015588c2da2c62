/**
 * Migration: an endpoint's link-local addresses (compose's `link_local_ips`, Docker's
 * `--link-local-ip`), a JSON array added to the interface beside the IPAM address, so a
 * container started again after a reboot gets them back.
 */
export const SCHEMA_ENDPOINT_EXTRA = `
ALTER TABLE endpoints ADD COLUMN link_local TEXT NOT NULL DEFAULT '[]';
`;
