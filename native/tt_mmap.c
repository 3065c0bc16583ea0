// transparent-telemetry's mapping addon: the few system calls the counter needs, and nothing
// more, so that loading it costs a process ~0.2 ms (counter/mmap/addon.ts, docs/startup.md).
//   map(fd, length)                -> ArrayBuffer over a shared, writable mapping of fd
//   reserve(fd, offset, length)    -> 0, or the errno of fallocate(2) (Linux only)
// The mapping is an external ArrayBuffer: its finalizer unmaps it once no view references it,
// so a counter holding a view can never touch unmapped memory.
#define _GNU_SOURCE // fallocate(2)
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/mman.h>
#endif

// The largest length the counter ever asks for (countfile/mapped.ts: MAX_MAP).
#define MAX_LENGTH 0x7fff0000

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[64];
  char code[16];
  snprintf(msg, sizeof msg, "%s failed, errno %d", what, err);
  snprintf(code, sizeof code, "E%d", err);
  napi_throw_error(env, code, msg);
  return NULL;
}

// Reads argc integer arguments (each a safe integer >= 0) into out; false after throwing.
static int int_args(napi_env env, napi_callback_info info, size_t argc, int64_t *out) {
  napi_value argv[3];
  size_t got = 3;
  if (napi_get_cb_info(env, info, &got, argv, NULL, NULL) != napi_ok || got < argc) {
    napi_throw_type_error(env, NULL, "missing arguments");
    return 0;
  }
  for (size_t i = 0; i < argc; i++) {
    double value;
    if (napi_get_value_double(env, argv[i], &value) != napi_ok || value < 0 ||
        value > 9007199254740991.0 || value != (double)(int64_t)value) {
      napi_throw_type_error(env, NULL, "arguments must be non-negative integers");
      return 0;
    }
    out[i] = (int64_t)value;
  }
  return 1;
}

#ifdef _WIN32
// Node's file descriptors belong to its own C runtime: libuv, which node.exe exports, turns
// one into the Windows handle.
typedef HANDLE (*uv_get_osfhandle_fn)(int);

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  UnmapViewOfFile(data);
}

static void *map_shared(int fd, size_t length, int *err) {
  uv_get_osfhandle_fn get = (uv_get_osfhandle_fn)(void *)GetProcAddress(
      GetModuleHandleW(NULL), "uv_get_osfhandle");
  if (get == NULL) {
    *err = ENOSYS;
    return NULL;
  }
  HANDLE file = get(fd);
  // Without a file, CreateFileMappingW would quietly map anonymous memory instead.
  if (file == INVALID_HANDLE_VALUE || file == NULL) {
    *err = EBADF;
    return NULL;
  }
  HANDLE mapping = CreateFileMappingW(file, NULL, PAGE_READWRITE, (DWORD)((uint64_t)length >> 32),
                                      (DWORD)length, NULL);
  if (mapping == NULL) {
    *err = (int)GetLastError();
    return NULL;
  }
  void *view = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, length);
  if (view == NULL) *err = (int)GetLastError();
  CloseHandle(mapping); // the view keeps the mapping alive
  return view;
}

static int reserve_blocks(int fd, int64_t offset, int64_t length) {
  (void)fd;
  (void)offset;
  (void)length;
  return ENOSYS;
}
#else
static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

static void *map_shared(int fd, size_t length, int *err) {
  void *at = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (at == MAP_FAILED) {
    *err = errno;
    return NULL;
  }
  return at;
}

static int reserve_blocks(int fd, int64_t offset, int64_t length) {
#ifdef __linux__
  // Mode 0: allocates the blocks (and extends the size) without touching bytes already there.
  for (int tries = 0; tries < 8; tries++) {
    if (fallocate(fd, 0, (off_t)offset, (off_t)length) == 0) return 0;
    if (errno != EINTR) return errno;
  }
  return EINTR;
#else
  (void)fd;
  (void)offset;
  (void)length;
  return ENOSYS;
#endif
}
#endif

static napi_value Map(napi_env env, napi_callback_info info) {
  int64_t args[2];
  if (!int_args(env, info, 2, args)) return NULL;
  if (args[0] > INT32_MAX || args[1] == 0 || args[1] > MAX_LENGTH) {
    napi_throw_range_error(env, NULL, "fd or length out of range");
    return NULL;
  }
  size_t length = (size_t)args[1];
  int err = 0;
  void *at = map_shared((int)args[0], length, &err);
  if (at == NULL) return throw_errno(env, "mmap", err);
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, at, length, unmap, (void *)(uintptr_t)length,
                                       &buffer) != napi_ok) {
    unmap(env, at, (void *)(uintptr_t)length);
    napi_throw_error(env, NULL, "external ArrayBuffers are not allowed in this runtime");
    return NULL;
  }
  return buffer;
}

static napi_value Reserve(napi_env env, napi_callback_info info) {
  int64_t args[3];
  if (!int_args(env, info, 3, args)) return NULL;
  if (args[0] > INT32_MAX) {
    napi_throw_range_error(env, NULL, "fd out of range");
    return NULL;
  }
  napi_value result;
  napi_create_int32(env, reserve_blocks((int)args[0], args[1], args[2]), &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"map", NULL, Map, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reserve", NULL, Reserve, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
