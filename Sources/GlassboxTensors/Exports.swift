// The layers above use `Interrupt` (Ctrl-C) and the kernel selectors through this module.
@_exported import GlassboxKernels
