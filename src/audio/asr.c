/*
 * asr.c - speech recognition (pocketsphinx 5prealpha, the Debian en-us
 * acoustic model, its trigram LM and CMU dictionary) and the word error
 * rate it is judged by. The decoder takes ~0.6 s and ~40 MB to load, so
 * one lives for the whole process behind a lock (never freed).
 */
#include "audio_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"

#include <ctype.h>
#include <math.h>
#include <pocketsphinx.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifndef BA_PS_MODELDIR
#define BA_PS_MODELDIR "/usr/share/pocketsphinx/model/en-us"
#endif

#define ASR_PAD (BA_AUDIO_RATE / 4)

static pthread_mutex_t asr_lock = PTHREAD_MUTEX_INITIALIZER;
static ps_decoder_t *decoder;

int ba_asr_supports(const char *lang)
{
	return !lang || !*lang || !strcmp(lang, "en") || !strncmp(lang, "en-", 3) || !strncmp(lang, "en_", 3);
}

static int decoder_load(ba_error *err)
{
	cmd_ln_t *cfg;

	if (decoder)
		return 0;
	cfg = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", BA_PS_MODELDIR "/en-us", "-lm",
			  BA_PS_MODELDIR "/en-us.lm.bin", "-dict", BA_PS_MODELDIR "/cmudict-en-us.dict",
			  "-logfn", "/dev/null", NULL);
	if (!cfg)
		return ba_error_set(err, BA_ERR, "asr: pocketsphinx configuration failed (model under %s?)",
				    BA_PS_MODELDIR);
	decoder = ps_init(cfg);
	cmd_ln_free_r(cfg);
	if (!decoder)
		return ba_error_set(err, BA_ERR, "asr: pocketsphinx did not load the en-us model from %s",
				    BA_PS_MODELDIR);
	return 0;
}

int ba_asr(const ba_audio *a, char **text, ba_error *err)
{
	ba_audio r = BA_AUDIO_INIT;
	const ba_audio *in = a;
	int16 *pcm;
	const char *hyp;
	int32 score;
	size_t i;
	int rc = 0;

	*text = NULL;
	if (a->rate != BA_AUDIO_RATE) {
		if (ba_audio_append(&r, a, err) != 0 || ba_audio_resample(&r, BA_AUDIO_RATE, err) != 0) {
			ba_audio_free(&r);
			return err ? err->code : BA_ERR;
		}
		in = &r;
	}
	/* a quarter second of silence each side: the decoder misses a first
	 * word that starts at sample 0 */
	pcm = ba_calloc(in->n + 2 * ASR_PAD, sizeof(int16));
	for (i = 0; i < in->n; i++) {
		double x = in->s[i] * 32767.0;
		pcm[ASR_PAD + i] = (int16)(x > 32767 ? 32767 : x < -32768 ? -32768 : lrint(x));
	}
	pthread_mutex_lock(&asr_lock);
	if ((rc = decoder_load(err)) == 0) {
		if (ps_start_utt(decoder) < 0 || ps_process_raw(decoder, pcm, in->n + 2 * ASR_PAD, FALSE, TRUE) < 0 ||
		    ps_end_utt(decoder) < 0) {
			rc = ba_error_set(err, BA_ERR, "asr: pocketsphinx failed to decode");
		} else {
			hyp = ps_get_hyp(decoder, &score);
			*text = ba_strdup(hyp ? hyp : "");
		}
	}
	pthread_mutex_unlock(&asr_lock);
	free(pcm);
	ba_audio_free(&r);
	return rc;
}

/* ---- normalisation and WER ---- */

static const char *const ones[] = { "zero", "one", "two", "three", "four", "five", "six", "seven",
				    "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
				    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen" };
static const char *const tens[] = { "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
				    "eighty", "ninety" };

static void say_below_1000(ba_buf *b, long v)
{
	if (v >= 100) {
		ba_buf_printf(b, "%s hundred ", ones[v / 100]);
		v %= 100;
		if (v == 0)
			return;
	}
	if (v >= 20) {
		ba_buf_printf(b, "%s ", tens[v / 10]);
		if (v % 10)
			ba_buf_printf(b, "%s ", ones[v % 10]);
	} else {
		ba_buf_printf(b, "%s ", ones[v]);
	}
}

static void say_number(ba_buf *b, long v)
{
	static const char *const scale[] = { "billion", "million", "thousand" };
	static const long div[] = { 1000000000L, 1000000L, 1000L };
	int k;

	if (v == 0) {
		ba_buf_puts(b, "zero ");
		return;
	}
	for (k = 0; k < 3; k++)
		if (v >= div[k]) {
			say_below_1000(b, v / div[k]);
			ba_buf_printf(b, "%s ", scale[k]);
			v %= div[k];
		}
	if (v)
		say_below_1000(b, v);
}

char *ba_asr_normalize(const char *t)
{
	ba_buf b = BA_BUF_INIT(1u << 20);
	const unsigned char *p = (const unsigned char *)(t ? t : "");

	while (*p) {
		if (isdigit(*p)) {
			long v = 0;
			int nd = 0;
			while (isdigit(*p) || (*p == ',' && isdigit(p[1]) && nd > 0)) {
				if (*p != ',' && nd < 12)
					v = v * 10 + (*p - '0');
				nd += *p != ',';
				p++;
			}
			if (nd <= 12)
				say_number(&b, v);
			continue;
		}
		if (isalpha(*p) || *p >= 0x80 ||
		    (*p == '\'' && b.len && isalpha((unsigned char)b.ptr[b.len - 1]) && isalpha(p[1]))) {
			ba_buf_append(&b, (const char[]){ (char)tolower(*p) }, 1);
		} else if (*p == '-' && isdigit(p[1]) && (b.len == 0 || b.ptr[b.len - 1] == ' ')) {
			ba_buf_puts(&b, "minus ");
		} else if (b.len && b.ptr[b.len - 1] != ' ') {
			ba_buf_puts(&b, " ");
		}
		p++;
	}
	while (b.len && b.ptr[b.len - 1] == ' ')
		b.ptr[--b.len] = 0;
	return ba_buf_detach(&b);
}

/* Words that sound the same are the same word to a listener: the
 * recogniser cannot be asked to spell "two" rather than "to". */
static const char *const homophones[][2] = {
	{ "to", "two" }, { "too", "two" }, { "for", "four" }, { "ate", "eight" }, { "won", "one" },
	{ "favourite", "favorite" }, { "colour", "color" }, { "grey", "gray" }, { "okay", "ok" },
	{ NULL, NULL }
};

static char *canonical(char *w)
{
	int i;
	for (i = 0; homophones[i][0]; i++)
		if (!strcmp(w, homophones[i][0]))
			return (char *)homophones[i][1];
	return w;
}

static size_t split_words(char *s, char ***out)
{
	size_t n = 0, cap = 0;
	char **w = NULL, *save = NULL, *tok;

	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		ba_array_reserve((void **)&w, &cap, n + 1, sizeof(char *));
		w[n++] = canonical(tok);
	}
	*out = w;
	return n;
}

int ba_asr_heard(const char *hyp, const json_t *phrases)
{
	char *h = ba_asr_normalize(hyp), **hw;
	size_t nh = split_words(h, &hw), pos = 0, i, k, j;
	json_t *p;
	int ok = 1;

	json_array_foreach(phrases, i, p) {
		char *r = ba_asr_normalize(json_string_value(p)), **rw;
		size_t nr = split_words(r, &rw), at = (size_t)-1;
		for (k = pos; nr && k + nr <= nh && at == (size_t)-1; k++) {
			for (j = 0; j < nr && !strcmp(hw[k + j], rw[j]); j++)
				;
			if (j == nr)
				at = k;
		}
		if (at == (size_t)-1)
			ok = 0;
		else
			pos = at + nr;
		free(rw);
		free(r);
		if (!ok)
			break;
	}
	free(hw);
	free(h);
	return ok;
}

double ba_wer(const char *ref, const char *hyp)
{
	char *r = ba_asr_normalize(ref), *h = ba_asr_normalize(hyp), **rw, **hw;
	size_t nr = split_words(r, &rw), nh = split_words(h, &hw), i, j;
	size_t *prev = ba_calloc(nh + 1, sizeof(size_t)), *cur = ba_calloc(nh + 1, sizeof(size_t));
	double wer;

	for (j = 0; j <= nh; j++)
		prev[j] = j;
	for (i = 1; i <= nr; i++) {
		cur[0] = i;
		for (j = 1; j <= nh; j++) {
			size_t sub = prev[j - 1] + (strcmp(rw[i - 1], hw[j - 1]) != 0);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (nh + 1) * sizeof(size_t));
	}
	wer = nr == 0 ? (nh == 0 ? 0.0 : 1.0) : (double)prev[nh] / (double)nr;
	free(prev);
	free(cur);
	free(rw);
	free(hw);
	free(r);
	free(h);
	return wer;
}
