// glibc's malloc tuning (`mallopt`, `M_MMAP_THRESHOLD`, `M_TRIM_THRESHOLD`), which Swift's
// Glibc module does not import (it does not include <malloc.h>). Used by
// `Kernels.tuneAllocator` (Sources/GlassboxKernels/Kernels+Allocator.swift).
#ifndef GLASSBOX_MALLOC_SHIM_H
#define GLASSBOX_MALLOC_SHIM_H

#include <malloc.h>

#endif
