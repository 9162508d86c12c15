// PNG and JPEG decoding for `load_image`, through Debian's libpng (`libpng-dev`) and
// libjpeg-turbo (`libjpeg62-turbo-dev`).
//
// Both libraries report errors by longjmp, which Swift cannot catch, so the decoding lives here
// in C: libpng through its simplified API (which catches its own errors) and libjpeg with an
// error manager that jumps back to `gb_jpeg_decode_rgb`. Each function returns 0 and a malloc'd
// 8-bit RGB buffer (free it with `gb_image_free`), or nonzero and a one-line message; an image of
// more than `max_pixels` pixels is refused from its header, before its pixels are allocated.
#ifndef GLASSBOX_CIMAGECODECS_SHIM_H
#define GLASSBOX_CIMAGECODECS_SHIM_H

#include <png.h>
#include <stdio.h>
#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

static inline void gb_image_free(unsigned char *pixels) { free(pixels); }

static inline int gb_png_decode_rgb(const unsigned char *data, size_t size, size_t max_pixels,
                                    unsigned char **pixels, unsigned *width, unsigned *height,
                                    char *message, size_t message_size) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    *pixels = NULL;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        snprintf(message, message_size, "%s", image.message);
        return 1;
    }
    if ((size_t)image.width * (size_t)image.height > max_pixels) {
        snprintf(message, message_size, "it is %u×%u pixels, more than the %zu Glassbox reads", image.width, image.height, max_pixels);
        png_image_free(&image);
        return 2;
    }
    // Read as 8-bit RGBA, then composite transparent pixels onto white as a viewer shows them on a
    // light page: c·α + 255·(1 − α) per channel, in the stored (sRGB) values.
    image.format = PNG_FORMAT_RGBA;
    size_t count = (size_t)image.width * (size_t)image.height;
    unsigned char *buffer = (unsigned char *)malloc(count * 4 + 1);
    if (!buffer) {
        snprintf(message, message_size, "out of memory for its pixels");
        png_image_free(&image);
        return 3;
    }
    if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) {
        snprintf(message, message_size, "%s", image.message);
        free(buffer);
        png_image_free(&image);
        return 1;
    }
    for (size_t i = 0; i < count; i++) {
        unsigned a = buffer[4 * i + 3];
        for (int c = 0; c < 3; c++) {
            buffer[3 * i + c] = (unsigned char)((buffer[4 * i + c] * a + 255 * (255 - a) + 127) / 255);
        }
    }
    *pixels = buffer;
    *width = image.width;
    *height = image.height;
    return 0;
}

struct gb_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void gb_jpeg_error_exit(j_common_ptr info) {
    struct gb_jpeg_error *error = (struct gb_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

// Warnings (a corrupt but readable stream) are not printed: the image is still returned.
static void gb_jpeg_output_message(j_common_ptr info) { (void)info; }

static inline int gb_jpeg_decode_rgb(const unsigned char *data, size_t size, size_t max_pixels,
                                     unsigned char **pixels, unsigned *width, unsigned *height,
                                     char *message, size_t message_size) {
    struct jpeg_decompress_struct info;
    struct gb_jpeg_error error;
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = gb_jpeg_error_exit;
    error.manager.output_message = gb_jpeg_output_message;
    error.message[0] = 0;
    if (setjmp(error.jump)) {
        snprintf(message, message_size, "%s", error.message);
        jpeg_destroy_decompress(&info);
        free(buffer);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    if ((size_t)info.image_width * (size_t)info.image_height > max_pixels) {
        snprintf(message, message_size, "it is %u×%u pixels, more than the %zu Glassbox reads",
                 info.image_width, info.image_height, max_pixels);
        jpeg_destroy_decompress(&info);
        return 2;
    }
    info.out_color_space = JCS_RGB;
    jpeg_start_decompress(&info);
    size_t row_bytes = (size_t)info.output_width * 3;
    buffer = (unsigned char *)malloc(row_bytes * info.output_height + 1);
    if (!buffer) {
        snprintf(message, message_size, "out of memory for its pixels");
        jpeg_destroy_decompress(&info);
        return 3;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = buffer + (size_t)info.output_scanline * row_bytes;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    *width = info.output_width;
    *height = info.output_height;
    *pixels = buffer;
    jpeg_destroy_decompress(&info);
    return 0;
}

#endif
