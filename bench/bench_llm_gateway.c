/*
 * bench_llm_gateway.c - how much the gateway costs next to the endpoint.
 *
 *  (a) throughput: `benchagent batch --no-cache` at concurrency 64 against
 *      nginx answering a canned completion on loopback, next to `wrk -c64`
 *      against the same endpoint (target: >= 0.25 of wrk);
 *  (b) latency hiding: 5,000 requests with 200 ms server latency
 *      (ba-testserver delay_ms) at concurrency 256, wall time against the
 *      ideal 5000 * 0.2 / 256 s (target: <= 1.15x);
 *  (c) peak RSS of a process with 1,000 requests in flight (target <= 150 MB);
 *  (d) provider batch API: 10,000 requests as one OpenAI batch through
 *      ba-testserver (JSONL built and uploaded, batch created and polled,
 *      output downloaded, joined on custom_id, parsed, stored), next to the
 *      same requests sent directly at c=256.
 *
 * Usage: bench_llm_gateway [--lines N] [--seconds S] [--rounds R] [--skip-a]
 * Needs nginx and wrk on PATH for (a); builds on benchagent and
 * ba-testserver from the same build directory. Prints a table.
 */
#define _GNU_SOURCE
#include "benchagent/json.h"
#include "benchagent/llm.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BA_BINARY_DIR
#define BA_BINARY_DIR "."
#endif

static char tmpdir[256];

static double now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static int free_port(void)
{
	struct sockaddr_in sa;
	socklen_t l = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 || getsockname(s, (struct sockaddr *)&sa, &l) != 0) {
		close(s);
		return -1;
	}
	port = ntohs(sa.sin_port);
	close(s);
	return port;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static pid_t spawn(char *const argv[], const char *out_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (out_path) {
			FILE *f = freopen(out_path, "w", stdout);
			(void)f;
		}
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s\n", argv[0]);
		_exit(127);
	}
	return pid;
}

static int wait_port(int port, double timeout)
{
	double t0 = now();

	while (now() - t0 < timeout) {
		struct sockaddr_in sa;
		int s = socket(AF_INET, SOCK_STREAM, 0);
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)port);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(s);
			return 0;
		}
		close(s);
		usleep(20000);
	}
	return -1;
}

static const char canned[] =
	"{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"bench\","
	"\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The answer is 42.\"},"
	"\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":6,\"total_tokens\":18}}";

/* ---- (a) throughput ---- */

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double tmp[16];
	memcpy(tmp, v, (size_t)n * sizeof(double));
	qsort(tmp, (size_t)n, sizeof(double), dcmp);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static size_t discard(char *p, size_t s, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return s * n;
}

/* The floor: a bare libcurl multi loop, 64 handles, no parsing, no storage. */
static double bare_curl(const char *url, long n)
{
	static const char body[] = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
	CURLM *m = curl_multi_init();
	CURL *e[64];
	long started = 0, done = 0;
	int i, running, q;
	double t0 = now();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");

	for (i = 0; i < 64; i++) {
		e[i] = curl_easy_init();
		curl_easy_setopt(e[i], CURLOPT_URL, url);
		curl_easy_setopt(e[i], CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e[i], CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(e[i], CURLOPT_WRITEFUNCTION, discard);
		if (started < n) {
			curl_multi_add_handle(m, e[i]);
			started++;
		}
	}
	while (done < n) {
		CURLMsg *msg;
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &q))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *x = msg->easy_handle;
			done++;
			curl_multi_remove_handle(m, x);
			if (started < n) {
				curl_multi_add_handle(m, x);
				started++;
			}
		}
		curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	for (i = 0; i < 64; i++)
		curl_easy_cleanup(e[i]);
	curl_multi_cleanup(m);
	curl_slist_free_all(h);
	return n / (now() - t0);
}

static int part_a(long lines, int seconds, int rounds, double *wrk_rps, double *ba_rps, double *bare_rps)
{
	char conf[512], dir[300], text[4096], url[128], dur[16], path[512], cfgp[512], inp[512], outp[512];
	int port = free_port(), status;
	pid_t ng, w, b;
	char *wout, *p;
	FILE *f;
	long i;
	int r;
	double t0, wr[16], br[16], ar[16];

	if (rounds < 1)
		rounds = 1;
	if (rounds > 16)
		rounds = 16;

	snprintf(dir, sizeof(dir), "%s/nginx", tmpdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/logs", dir);
	mkdir(path, 0755);
	snprintf(conf, sizeof(conf), "%s/nginx.conf", dir);
	snprintf(text, sizeof(text),
		 "worker_processes 1;\ndaemon off;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
		 "events { worker_connections 4096; }\n"
		 "http {\n access_log off;\n client_body_temp_path %s;\n"
		 " server {\n  listen 127.0.0.1:%d;\n  keepalive_requests 10000000;\n"
		 "  location / { default_type application/json; return 200 '%s'; }\n }\n}\n",
		 dir, dir, dir, port, canned);
	write_file(conf, text);
	{
		char *argv[] = { "nginx", "-c", conf, "-p", dir, NULL };
		ng = spawn(argv, NULL);
	}
	if (wait_port(port, 5) != 0) {
		fprintf(stderr, "bench: nginx did not start (is nginx installed?)\n");
		kill(ng, SIGTERM);
		return -1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/chat/completions", port);
	snprintf(dur, sizeof(dur), "%ds", seconds);
	snprintf(path, sizeof(path), "%s/ws", tmpdir);
	mkdir(path, 0755);
	snprintf(cfgp, sizeof(cfgp), "%s/ws/benchagent.yaml", tmpdir);
	snprintf(text, sizeof(text),
		 "providers:\n  - name: nginx\n    protocol: openai\n    base_url: http://127.0.0.1:%d/v1\n"
		 "    model: bench\n    max_concurrency: 64\nroles:\n  default: nginx/bench\n", port);
	write_file(cfgp, text);
	snprintf(inp, sizeof(inp), "%s/in.jsonl", tmpdir);
	snprintf(outp, sizeof(outp), "%s/out.jsonl", tmpdir);
	f = fopen(inp, "w");
	for (i = 0; i < lines; i++)
		fprintf(f, "{\"custom_id\":\"r%ld\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
			   "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"Question number %ld: what is six times seven?\"}]}}\n",
			i, i);
	fclose(f);
	for (r = 0; r < rounds; r++) {
		char wpath[512], dbdir[600];
		snprintf(wpath, sizeof(wpath), "%s/wrk.out", tmpdir);
		{
			char *argv[] = { "wrk", "-t2", "-c64", "-d", dur, url, NULL };
			w = spawn(argv, wpath);
			waitpid(w, &status, 0);
		}
		wout = slurp(wpath);
		wr[r] = 0;
		if (wout && (p = strstr(wout, "Requests/sec:")))
			wr[r] = strtod(p + 13, NULL);
		free(wout);
		br[r] = bare_curl(url, lines);
		/* a fresh workspace each round: same work every time */
		snprintf(dbdir, sizeof(dbdir), "rm -rf '%s/.benchagent'", path);
		if (system(dbdir) != 0)
			fprintf(stderr, "bench: cannot clear %s\n", path);
		unlink(outp);
		t0 = now();
		{
			char bin[512];
			snprintf(bin, sizeof(bin), "%s/benchagent", BA_BINARY_DIR);
			char *argv[] = { bin, "--workspace", path, "-q", "--no-cache", "batch", inp, "-o", outp, NULL };
			b = spawn(argv, NULL);
			waitpid(b, &status, 0);
		}
		ar[r] = lines / (now() - t0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fprintf(stderr, "bench: benchagent batch exited with status %d\n", WEXITSTATUS(status));
		fprintf(stderr, "bench (a) round %d: wrk %.0f/s, bare curl %.0f/s, batch %.0f/s (%.3f of wrk)\n", r + 1,
			wr[r], br[r], ar[r], wr[r] > 0 ? ar[r] / wr[r] : 0);
	}
	*wrk_rps = median(wr, rounds);
	*bare_rps = median(br, rounds);
	*ba_rps = median(ar, rounds);
	kill(ng, SIGQUIT);
	waitpid(ng, &status, 0);
	return 0;
}

/* ---- (b), (c): in-process gateway against ba-testserver ---- */

typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	long done, failed, inflight_peak;
} bctx;

static void on_done(void *ud, int rc, ba_llm_response *resp, const char *errmsg)
{
	bctx *c = ud;
	(void)errmsg;
	pthread_mutex_lock(&c->mu);
	c->done++;
	if (rc)
		c->failed++;
	pthread_mutex_unlock(&c->mu);
	ba_llm_response_free(resp);
}

static pid_t start_testserver(const char *rules, int *port)
{
	char rpath[512], pf[512], bin[512];
	pid_t pid;
	char *txt = NULL;
	int i;

	snprintf(rpath, sizeof(rpath), "%s/rules.json", tmpdir);
	snprintf(pf, sizeof(pf), "%s/port", tmpdir);
	snprintf(bin, sizeof(bin), "%s/tests/server/ba-testserver", BA_BINARY_DIR);
	unlink(pf);
	write_file(rpath, rules);
	{
		char *argv[] = { bin, "--rules", rpath, "--port-file", pf, NULL };
		pid = spawn(argv, NULL);
	}
	for (i = 0; i < 200 && !(txt = slurp(pf)); i++)
		usleep(20000);
	if (!txt)
		return -1;
	*port = atoi(txt);
	free(txt);
	return pid;
}

/* (d)'s parts in the child: the batch threads' submit time (JSONL built,
 * uploaded, batch created) and results time (downloaded, parsed, joined) */
static double batch_parts[2];

/* Child process: n requests at concurrency conc; reports wall time. */
static int run_gateway(int port, long n, int conc, int with_store, int batch, double *wall)
{
	char yaml[1024], ws[512];
	ba_config *cfg = NULL;
	ba_store *st = NULL;
	ba_gateway *gw = NULL;
	ba_gateway_options o = BA_GATEWAY_OPTIONS_INIT;
	ba_error err = BA_ERROR_INIT;
	ba_llm_request req = BA_LLM_REQUEST_INIT;
	bctx c = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	double t0;
	long i;

	snprintf(ws, sizeof(ws), "%s/gw%d%s", tmpdir, conc, batch ? "b" : "");
	mkdir(ws, 0755);
	snprintf(yaml, sizeof(yaml), "%s/benchagent.yaml", ws);
	{
		char text[1024];
		snprintf(text, sizeof(text),
			 "providers:\n  - name: ts\n    protocol: openai\n    base_url: http://127.0.0.1:%d/v1\n"
			 "    model: bench\n    max_concurrency: %d\n    timeout: 600\nroles:\n  default: ts/bench\n"
			 "gateway:\n  batch_window_ms: 20\n  batch_poll_s: 0.02\n",
			 port, conc);
		write_file(yaml, text);
	}
	if (ba_config_load(&cfg, yaml, 0, &err) != 0 || (with_store && ba_store_open(&st, ws, &err) != 0)) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	o.no_cache = 1;
	o.batch_api = batch;
	req.can_wait = batch;
	if (ba_gateway_new(&gw, cfg, st, &o, &err) != 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		char text[96];
		json_t *m;
		snprintf(text, sizeof(text), "Question number %ld: what is six times seven?", i);
		m = json_pack("[{s:s, s:s}]", "role", "user", "content", text);
		req.messages = m;
		if (ba_llm_submit(gw, &req, on_done, &c, &err) != 0)
			c.failed++;
		json_decref(m);
	}
	ba_gateway_wait(gw);
	*wall = now() - t0;
	{
		ba_gateway_stats gs;
		ba_gateway_stats_get(gw, &gs);
		batch_parts[0] = gs.batch_submit_s;
		batch_parts[1] = gs.batch_results_s;
	}
	if (c.failed)
		fprintf(stderr, "bench: %ld of %ld requests failed\n", c.failed, n);
	ba_gateway_free(gw);
	ba_store_close(st);
	ba_config_free(cfg);
	return c.failed ? -1 : 0;
}

/* Run run_gateway in a child; returns wall time and the child's peak RSS (KiB). */
static int forked(int port, long n, int conc, int batch, double *wall, long *maxrss_kb)
{
	int fds[2], status;
	pid_t pid;
	struct rusage ru;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		double w = -1, out[3];
		close(fds[0]);
		run_gateway(port, n, conc, 1, batch, &w);
		out[0] = w;
		out[1] = batch_parts[0];
		out[2] = batch_parts[1];
		if (write(fds[1], out, sizeof(out)) != sizeof(out))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	{
		double in[3];
		if (read(fds[0], in, sizeof(in)) != sizeof(in))
			in[0] = -1, in[1] = in[2] = 0;
		*wall = in[0];
		batch_parts[0] = in[1];
		batch_parts[1] = in[2];
	}
	close(fds[0]);
	wait4(pid, &status, 0, &ru);
	*maxrss_kb = ru.ru_maxrss;
	return *wall > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	long lines = 40000, rss_b = 0, rss_c = 0, rss_d = 0;
	int seconds = 5, skip_a = 0, rounds = 3, i, port, status;
	double wrk = 0, ba = 0, bare = 0, wall_b = 0, wall_c = 0, wall_dd = 0, wall_db = 0, ideal;
	pid_t ts;
	char cmd[600];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lines") && i + 1 < argc)
			lines = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--skip-a"))
			skip_a = 1;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ba-bench-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}

	if (!skip_a && part_a(lines, seconds, rounds, &wrk, &ba, &bare) != 0)
		fprintf(stderr, "bench: part (a) skipped\n");

	/* (b) latency hiding */
	ts = start_testserver("{\"default\":{\"content\":\"The answer is 42.\",\"delay_ms\":200}}", &port);
	if (ts < 0) {
		fprintf(stderr, "bench: ba-testserver did not start\n");
		return 1;
	}
	forked(port, 5000, 256, 0, &wall_b, &rss_b);
	kill(ts, SIGTERM);
	waitpid(ts, &status, 0);

	/* (c) 1,000 requests in flight at once (2 s server latency) */
	ts = start_testserver("{\"default\":{\"content\":\"The answer is 42.\",\"delay_ms\":2000}}", &port);
	forked(port, 1000, 1000, 0, &wall_c, &rss_c);
	kill(ts, SIGTERM);
	waitpid(ts, &status, 0);

	/* (d) 10,000 requests as one provider batch vs direct */
	ts = start_testserver("{\"default\":{\"content\":\"The answer is 42.\"},\"batch\":{\"delay_ms\":0}}", &port);
	forked(port, 10000, 256, 0, &wall_dd, &rss_d);
	forked(port, 10000, 256, 1, &wall_db, &rss_d);
	kill(ts, SIGTERM);
	waitpid(ts, &status, 0);

	ideal = 5000 * 0.2 / 256;
	printf("\nLLM gateway bench (loopback; (a): %ld lines, median of %d rounds)\n", lines, rounds);
	printf("%-52s %12s %12s %8s %s\n", "measure", "value", "reference", "ratio", "target");
	if (!skip_a && wrk > 0)
		printf("%-52s %10.0f/s %10.0f/s %8.3f %s\n", "(a) benchagent batch --no-cache, c=64 vs wrk -c64", ba, wrk,
		       ba / wrk, ba / wrk >= 0.25 ? ">= 0.25 ok" : ">= 0.25 MISSED");
	if (!skip_a && wrk > 0)
		printf("%-52s %10.0f/s %10.0f/s %8.3f %s\n", "    bare libcurl multi loop, c=64 (no parse/store)", bare,
		       wrk, bare / wrk, "(reference)");
	printf("%-52s %11.3fs %11.3fs %8.3f %s\n", "(b) 5000 req x 200 ms at c=256: wall vs ideal", wall_b, ideal,
	       wall_b / ideal, wall_b / ideal <= 1.15 ? "<= 1.15 ok" : "<= 1.15 MISSED");
	printf("%-52s %10.1fMB %10.0fMB %8.3f %s\n", "(c) peak RSS, 1000 requests in flight", rss_c / 1024.0, 150.0,
	       rss_c / 1024.0 / 150.0, rss_c / 1024.0 <= 150 ? "<= 150 MB ok" : "<= 150 MB MISSED");
	printf("%-52s %11.3fs %11.3fs %8.3f %s\n", "(d) 10,000 requests as one batch vs direct c=256", wall_db, wall_dd,
	       wall_dd > 0 ? wall_db / wall_dd : 0, "(reference)");
	printf("    ((b) peak RSS %.1f MB; (c) wall %.2fs for 1000 x 2 s at c=1000;"
	       " (d) batch: %.0f us per request end to end)\n", rss_b / 1024.0, wall_c, wall_db / 10000 * 1e6);
	printf("    (d) batch parts: upload (JSONL built, /files, /batches) %.3fs; results (downloaded, parsed,"
	       " joined on custom_id) %.3fs; the rest is polling and the writer's parse + store\n",
	       batch_parts[0], batch_parts[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", tmpdir);
	return 0;
}
