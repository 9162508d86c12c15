// libzmq (ZeroMQ), the transport of the Jupyter messaging protocol; Debian's `libzmq3-dev`.
//
// Every call the notebook kernel uses takes a fixed argument list, so <zmq.h> is imported as is.
#ifndef GLASSBOX_CZEROMQ_SHIM_H
#define GLASSBOX_CZEROMQ_SHIM_H

#include <zmq.h>

#endif
