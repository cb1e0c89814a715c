/*
 * ocr.c - text in images: tesseract's C API (capi.h) with the English
 * LSTM model, sparse-text page segmentation (chart labels are scattered
 * words, not paragraphs). Images are read and upsampled by leptonica.
 * One engine per process behind a lock (loading the model takes ~0.3 s).
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"

#include <ctype.h>
#include <leptonica/allheaders.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

#define OCR_MAX_BYTES (64u << 20)
#define OCR_MAX_SIDE 8192

static pthread_mutex_t ocr_lock = PTHREAD_MUTEX_INITIALIZER;
static TessBaseAPI *engine;

static int engine_load(ba_error *err)
{
	if (engine)
		return 0;
	setMsgSeverity(L_SEVERITY_NONE);
	engine = TessBaseAPICreate();
	if (!engine || TessBaseAPIInit3(engine, NULL, "eng") != 0) {
		if (engine)
			TessBaseAPIDelete(engine);
		engine = NULL;
		return ba_error_set(err, BA_ERR, "ocr: tesseract did not load its English model (tesseract-ocr-eng?)");
	}
	TessBaseAPISetPageSegMode(engine, PSM_SPARSE_TEXT);
	TessBaseAPISetVariable(engine, "debug_file", "/dev/null");
	return 0;
}

/* Runs on a gray 8-bit pix; the lock is held by the caller. */
static int ocr_pix(PIX *pix, char **text, ba_error *err)
{
	char *t;

	if (engine_load(err) != 0)
		return BA_ERR;
	TessBaseAPISetImage2(engine, pix);
	t = TessBaseAPIGetUTF8Text(engine);
	if (!t) {
		TessBaseAPIClear(engine);
		return ba_error_set(err, BA_ERR, "ocr: tesseract recognised nothing");
	}
	*text = ba_strdup(t);
	TessDeleteText(t);
	TessBaseAPIClear(engine);
	return 0;
}

int ba_ocr_file(const char *path, double scale, char **text, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(OCR_MAX_BYTES);
	PIX *pix = NULL, *gray = NULL, *big = NULL;
	int rc;

	*text = NULL;
	if (!(scale >= 1 && scale <= 4))
		return ba_error_set(err, BA_EINVAL, "ocr: scale %g (1..4)", scale);
	if ((rc = ba_fs_read(path, &b, err)) != 0)
		return rc;
	pthread_mutex_lock(&ocr_lock);
	setMsgSeverity(L_SEVERITY_NONE);
	pix = pixReadMem((const l_uint8 *)b.ptr, b.len);
	if (!pix) {
		rc = ba_error_set(err, BA_EINVAL, "ocr: %s is not a readable PNG or JPEG image", path);
		goto cleanup;
	}
	if (pixGetWidth(pix) > OCR_MAX_SIDE || pixGetHeight(pix) > OCR_MAX_SIDE) {
		rc = ba_error_set(err, BA_ELIMIT, "ocr: %s is larger than %d px", path, OCR_MAX_SIDE);
		goto cleanup;
	}
	gray = pixConvertTo8(pix, 0);
	big = gray && scale > 1 ? pixScaleGrayLI(gray, (l_float32)scale, (l_float32)scale) : NULL;
	if (!gray || (scale > 1 && !big)) {
		rc = ba_error_set(err, BA_ERR, "ocr: %s: image conversion failed", path);
		goto cleanup;
	}
	rc = ocr_pix(big ? big : gray, text, err);
cleanup:
	pixDestroy(&big);
	pixDestroy(&gray);
	pixDestroy(&pix);
	pthread_mutex_unlock(&ocr_lock);
	ba_buf_free(&b);
	return rc;
}

int ba_ocr_gray(const unsigned char *px, int w, int h, int stride, char **text, ba_error *err)
{
	PIX *pix;
	int y, x, rc;

	*text = NULL;
	if (w <= 0 || h <= 0 || w > OCR_MAX_SIDE || h > OCR_MAX_SIDE || stride < w)
		return ba_error_set(err, BA_EINVAL, "ocr: image of %dx%d", w, h);
	pthread_mutex_lock(&ocr_lock);
	pix = pixCreate(w, h, 8);
	for (y = 0; pix && y < h; y++)
		for (x = 0; x < w; x++)
			pixSetPixel(pix, x, y, px[(size_t)y * stride + x]);
	rc = pix ? ocr_pix(pix, text, err) : ba_error_set(err, BA_ENOMEM, "ocr: no memory for the image");
	pixDestroy(&pix);
	pthread_mutex_unlock(&ocr_lock);
	return rc;
}

int ba_ocr_contains(const char *hay, const char *needle)
{
	char *h = ba_asr_normalize(hay), *n = ba_asr_normalize(needle);
	int ok;

	/* word boundaries: " h " contains " n " */
	{
		char *hh = ba_asprintf(" %s ", h), *nn = ba_asprintf(" %s ", n);
		ok = *n ? strstr(hh, nn) != NULL : 1;
		free(hh);
		free(nn);
	}
	free(h);
	free(n);
	return ok;
}
