#ifndef CZLIBSHIM_H
#define CZLIBSHIM_H

#include <zlib.h>

// zlib's inflateInit2 and deflateInit2 are macros (they pass the library version and the
// stream's size), which Swift cannot call: these wrap them for raw deflate data, the form a
// ZIP archive (an .xlsx workbook) stores its members in.

// Readies `stream` (zeroed by the caller) to inflate raw deflate data. Returns zlib's code.
int cg_inflate_raw_init(z_stream *stream);

// Readies `stream` (zeroed by the caller) to deflate into raw deflate data at `level`.
int cg_deflate_raw_init(z_stream *stream, int level);

#endif
