#include "CZlibShim.h"

// Negative window bits: no zlib header or trailer (ZIP keeps its own sizes and CRC-32).
int cg_inflate_raw_init(z_stream *stream) {
    return inflateInit2(stream, -MAX_WBITS);
}

int cg_deflate_raw_init(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
