{
  "targets": [
    {
      "target_name": "netctl_native",
      "sources": ["src/addon.cc", "src/netns.cc", "src/nfsock.cc", "src/nftgen.cc", "src/ctflush.cc", "src/linkdel.cc", "src/nftrules.cc", "src/spawn.cc", "src/nssock.cc", "src/journal.cc", "src/tty.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Werror"]
    }
  ]
}
