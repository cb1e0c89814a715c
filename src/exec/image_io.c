/*
 * image_io.c - images for the image tools: PNG (cairo) and JPEG (libjpeg)
 * into cairo ARGB32 surfaces, PNG out into the store's media, and a JPEG
 * encode/decode round trip for compression artefacts.
 */
#include "exec_internal.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"

#include <cairo.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#define IMG_MAX_BYTES (64u << 20)
#define IMG_MAX_SIDE 8192

typedef struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
} jerr;

static void jerr_exit(j_common_ptr c)
{
	jerr *e = (jerr *)c->err;
	longjmp(e->jb, 1);
}

static void jerr_silent(j_common_ptr c)
{
	(void)c;
}

static cairo_surface_t *jpeg_decode(const unsigned char *data, size_t len, ba_error *err)
{
	struct jpeg_decompress_struct cinfo;
	jerr je;
	cairo_surface_t *volatile s = NULL;
	unsigned char *volatile row = NULL;

	cinfo.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = jerr_exit;
	je.pub.output_message = jerr_silent;
	if (setjmp(je.jb)) {
		jpeg_destroy_decompress(&cinfo);
		if (s)
			cairo_surface_destroy(s);
		free(row);
		ba_error_set(err, BA_EINVAL, "JPEG decode failed");
		return NULL;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	cinfo.out_color_space = JCS_RGB;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_width > IMG_MAX_SIDE || cinfo.output_height > IMG_MAX_SIDE) {
		jpeg_destroy_decompress(&cinfo);
		ba_error_set(err, BA_ELIMIT, "JPEG larger than %d px", IMG_MAX_SIDE);
		return NULL;
	}
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)cinfo.output_width,
				       (int)cinfo.output_height);
	row = malloc((size_t)cinfo.output_width * 3);
	cairo_surface_flush(s);
	while (cinfo.output_scanline < cinfo.output_height) {
		unsigned char *rp = row;
		uint32_t *dst = (uint32_t *)(cairo_image_surface_get_data(s) +
					     (size_t)cinfo.output_scanline * cairo_image_surface_get_stride(s));
		JDIMENSION x;
		jpeg_read_scanlines(&cinfo, &rp, 1);
		for (x = 0; x < cinfo.output_width; x++)
			dst[x] = 0xff000000u | ((uint32_t)row[3 * x] << 16) |
				 ((uint32_t)row[3 * x + 1] << 8) | row[3 * x + 2];
	}
	cairo_surface_mark_dirty(s);
	jpeg_finish_decompress(&cinfo);
	jpeg_destroy_decompress(&cinfo);
	free(row);
	return s;
}

typedef struct rd {
	const unsigned char *p;
	size_t len, off;
} rd;

static cairo_status_t png_read(void *ud, unsigned char *data, unsigned int n)
{
	rd *r = ud;
	if (r->off + n > r->len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p + r->off, n);
	r->off += n;
	return CAIRO_STATUS_SUCCESS;
}

void *ba_img_load(const char *path, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(IMG_MAX_BYTES);
	cairo_surface_t *s = NULL, *conv;
	const unsigned char *d;
	cairo_t *cr;

	if (ba_fs_read(path, &b, err) != 0)
		return NULL;
	d = (const unsigned char *)b.ptr;
	if (b.len > 8 && d[0] == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
		rd r = { d, b.len, 0 };
		s = cairo_image_surface_create_from_png_stream(png_read, &r);
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
			cairo_surface_destroy(s);
			s = NULL;
			ba_error_set(err, BA_EINVAL, "%s: PNG decode failed", path);
		}
	} else if (b.len > 3 && d[0] == 0xff && d[1] == 0xd8) {
		s = jpeg_decode(d, b.len, err);
		if (!s)
			ba_error_prefix(err, "%s: ", path);
	} else {
		ba_error_set(err, BA_EINVAL, "%s: not a PNG or JPEG image", path);
	}
	ba_buf_free(&b);
	if (!s)
		return NULL;
	if (cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32)
		return s;
	/* normalise RGB24/A8/... to ARGB32 so the tools see one layout */
	conv = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, cairo_image_surface_get_width(s),
					  cairo_image_surface_get_height(s));
	cr = cairo_create(conv);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_surface(cr, s, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return conv;
}

void ba_img_free(void *surface)
{
	if (surface)
		cairo_surface_destroy(surface);
}

static cairo_status_t png_write(void *ud, const unsigned char *data, unsigned int n)
{
	return ba_buf_append(ud, data, n) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int ba_img_store_png(ba_store *st, void *surface, char sha[65], char **rel, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(IMG_MAX_BYTES);
	int rc;

	cairo_surface_flush(surface);
	if (cairo_surface_write_to_png_stream(surface, png_write, &b) != CAIRO_STATUS_SUCCESS) {
		ba_buf_free(&b);
		return ba_error_set(err, BA_EIO, "PNG encode failed");
	}
	rc = ba_media_put(st, b.ptr, b.len, "png", "image/png", sha, rel, err);
	ba_buf_free(&b);
	return rc;
}

int ba_img_jpeg_roundtrip(void *surface, int quality, ba_error *err)
{
	cairo_surface_t *s = surface, *d;
	struct jpeg_compress_struct cinfo;
	jerr je;
	unsigned char *volatile mem = NULL;
	unsigned long memlen = 0;
	unsigned char *volatile row = NULL;
	int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s), x, y;
	unsigned char *px;

	cairo_surface_flush(s);
	px = cairo_image_surface_get_data(s);
	cinfo.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = jerr_exit;
	je.pub.output_message = jerr_silent;
	if (setjmp(je.jb)) {
		jpeg_destroy_compress(&cinfo);
		free(mem);
		free(row);
		return ba_error_set(err, BA_EIO, "JPEG encode failed");
	}
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, (unsigned char **)&mem, &memlen);
	cinfo.image_width = (JDIMENSION)w;
	cinfo.image_height = (JDIMENSION)h;
	cinfo.input_components = 3;
	cinfo.in_color_space = JCS_RGB;
	jpeg_set_defaults(&cinfo);
	jpeg_set_quality(&cinfo, quality, TRUE);
	jpeg_start_compress(&cinfo, TRUE);
	row = malloc((size_t)w * 3);
	for (y = 0; y < h; y++) {
		uint32_t *src = (uint32_t *)(px + (size_t)y * stride);
		unsigned char *rp = row;
		for (x = 0; x < w; x++) {
			row[3 * x] = (unsigned char)(src[x] >> 16);
			row[3 * x + 1] = (unsigned char)(src[x] >> 8);
			row[3 * x + 2] = (unsigned char)src[x];
		}
		jpeg_write_scanlines(&cinfo, &rp, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	free(row);
	d = jpeg_decode(mem, memlen, err);
	free(mem);
	if (!d)
		return BA_EIO;
	cairo_surface_flush(d);
	for (y = 0; y < h; y++)
		memcpy(px + (size_t)y * stride,
		       cairo_image_surface_get_data(d) + (size_t)y * cairo_image_surface_get_stride(d),
		       (size_t)w * 4);
	cairo_surface_mark_dirty(s);
	cairo_surface_destroy(d);
	return 0;
}

void ba_exec_media_here(ba_store *st, const json_t *item)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(item, "media"), i, m) {
		const char *sha = ba_json_str(m, "sha256", NULL);
		if (sha && st)
			free(ba_media_path(st, sha));
	}
}
