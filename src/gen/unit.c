/*
 * unit.c - one unit's draws: seeded draws of a generator until one passes
 * its schema and its own verify(), and what the caller accepts (the
 * executor's duplicate index and audit gate, src/exec/gen_units.c). The
 * seed of draw n is derived from the unit's label and n alone, so a unit
 * drawn again after a kill gives the same item.
 */
#define BA_LOG_MODULE "gen"
#include "gen_internal.h"
#include "benchagent/json.h"
#include "benchagent/log.h"
#include "benchagent/rng.h"

#include <stdio.h>
#include <string.h>

int ba_gen_draw_unit(ba_gen_registry *reg, const char *gname, const char *label, uint64_t base_seed,
		     int difficulty, ba_store *st, int max_draws, ba_gen_accept_fn accept, void *ud,
		     json_t **item, double *score, ba_gen_draws *dr)
{
	ba_error e2 = BA_ERROR_INIT;
	int draw, rc;

	*item = NULL;
	*score = 0;
	memset(dr, 0, sizeof(*dr));
	for (draw = 0; draw < max_draws && !*item; draw++) {
		char lab[320];
		uint64_t s;
		json_t *cand = NULL;
		double sc = 0;

		snprintf(lab, sizeof(lab), "%s#%d", label, draw);
		s = ba_rng_seed_from(base_seed, lab) & 0x7fffffffffffffffULL;
		ba_error_clear(&e2);
		if (ba_gen_generate(reg, gname, s, difficulty, st, &cand, &e2) != 0) {
			dr->schema_fail++;
			BA_DEBUG("%s: %s", label, e2.msg);
			if (e2.code == BA_ELIMIT && draw >= 2)
				break;
			continue;
		}
		if (ba_gen_verify(reg, gname, cand, ba_json_str(cand, "answer", ""), &sc, &e2) != 0 || sc < 1) {
			dr->verify_fail++;
			json_decref(cand);
			continue;
		}
		rc = accept ? accept(ud, cand, sc) : 0;
		if (rc < 0) {
			json_decref(cand);
			return rc;
		}
		if (rc > 0) {
			dr->rejected++;
			json_decref(cand);
			continue;
		}
		*item = cand;
		*score = sc;
	}
	if (!*item)
		snprintf(dr->error, sizeof(dr->error), "%s", e2.msg);
	return 0;
}
