/** Platforms as OCI images and registries name them (Go's GOOS/GOARCH names). */

/** `os/architecture[/variant]`. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Node's `process.arch` names in Go's spelling, as image configs and indexes use them. */
export const GOARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** This host's platform as registries name it. */
export function hostPlatform(): Platform {
  return { os: 'linux', architecture: GOARCH[process.arch] ?? process.arch };
}
