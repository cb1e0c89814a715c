/* page.js - the one script of the report and the review pages: inline in
 * the report file, served as /page.js by `benchagent review`.
 *  - the transcripts viewer: the data block #tx-data (src/report/tx_data.c
 *    documents its layout) shown 25 items a page, with filters (subtask,
 *    model, outcome, flagged, search) over every item; #t-ID in the
 *    address opens that item;
 *  - the filters of one item's transcripts page (written as HTML);
 *  - the review item page's keys (a accept, r reject, n/j next, p/k previous).
 * Every text goes into the page through textContent, never as markup; the
 * only URLs set are data URLs the report checked (images, audio) and
 * links built from encodeURIComponent. */
(function () {
	var d = document;
	var f = d.getElementById('tfilter'), data = d.getElementById('tx-data');

	function el(tag, cls, text) {
		var e = d.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined && text !== null)
			e.textContent = text;
		return e;
	}

	function viewer(D) {
		var S = D.s, M = D.m, PAGE = 25, page = 0, match = [], sel = { m: -1, o: -1 };
		var OUT = ['correct', 'wrong', 'partial', 'error'], BADGE = ['ok', 'bad', 'warn', 'bad'];
		var FLAG = [[1, 'solved by all'], [2, 'solved by none'], [4, 'negative discrimination']];
		var list = d.getElementById('tlist'), pager = d.getElementById('tpager'), count = d.getElementById('tcount');

		function str(i) {
			return typeof i === 'number' && i >= 0 ? S[i] : '';
		}
		function joined(p) {
			var s = '', i;
			for (i = 1; i < p.length; i++)
				s += S[p[i]];
			return s;
		}
		function rowOk(r) {
			return (sel.m < 0 || r[0] === sel.m) && (sel.o < 0 || r[2] === sel.o);
		}
		function link(parent, href, text) {
			var a = el('a', null, text);
			a.href = href;
			parent.appendChild(d.createTextNode(' \u00b7 '));
			parent.appendChild(a);
		}
		function messages(set) {
			var det = el('details', 'msgs');
			det.appendChild(el('summary', null, 'messages sent'));
			set.forEach(function (msg) {
				var div = el('div');
				div.appendChild(el('b', null, S[msg[0]]));
				msg[1].forEach(function (p) {
					var w;
					if (p[0] === 0) {
						div.appendChild(el('pre', null, joined(p)));
					} else if (p[0] === 1 || p[0] === 2) {
						w = el(p[0] === 1 ? 'img' : 'audio', 'media');
						if (p[0] === 1)
							w.alt = 'image sent';
						else
							w.controls = true;
						w.src = S[p[1]];
						div.appendChild(el('p')).appendChild(w);
					} else {
						div.appendChild(el('p', 'mut', S[p[1]]));
					}
				});
				det.appendChild(div);
			});
			return det;
		}
		function row(r, itemMs) {
			var div = el('div', 'txr'), o = OUT[r[2]], ms = r.length > 8 ? r[8] : (itemMs >= 0 ? -2 : -1), j = r[7];
			div.dataset.model = D.models[r[0]];
			div.dataset.outcome = o;
			div.appendChild(el('b', null, D.models[r[0]]));
			div.appendChild(d.createTextNode(' '));
			div.appendChild(el('span', 'mut', 'sample ' + r[1]));
			div.appendChild(d.createTextNode(' '));
			div.appendChild(el('span', 'badge ' + BADGE[r[2]], o + (r[3] === null ? '' : ' ' + r[3].toFixed(2))));
			div.appendChild(d.createTextNode(' extracted: '));
			div.appendChild(el('code', null, str(r[4])));
			if (ms >= 0)
				div.appendChild(messages(M[ms]));
			else if (ms === -1)
				div.appendChild(el('span', 'mut', ' (request not in this workspace\'s call log)'));
			if (typeof r[6] === 'number' && r[6] >= 0)
				div.appendChild(el('pre', 'bad', S[r[6]]));
			if (r[5] >= 0)
				div.appendChild(el('pre', null, S[r[5]]));
			if (j)
				div.appendChild(el('div', null, 'judge ' + str(j[0]) + ': score ' +
						   (j[1] === null ? '-' : j[1].toFixed(2)) + ' \u00b7 ' + str(j[2])));
			return div;
		}
		function item(it) {
			var id = S[it[0]], box = el('div', 'tx'), h = el('div', 'mut'), fl = [];
			box.id = 't-' + id;
			box.dataset.subtask = S[it[1]];
			box.dataset.flagged = it[2] ? '1' : '0';
			box.appendChild(el('h3', null, id));
			h.appendChild(d.createTextNode('subtask ' + S[it[1]] + ' \u00b7 answer '));
			h.appendChild(el('b', null, S[it[4]]));
			FLAG.forEach(function (x) {
				if (it[2] & x[0])
					fl.push(x[1]);
			});
			if (fl.length)
				h.appendChild(el('span', 'badge warn', 'flagged: ' + fl.join(', ')));
			if (D.served) {
				link(h, '/item?id=' + encodeURIComponent(id), 'review page');
				link(h, '/report/transcripts?id=' + encodeURIComponent(id), 'this item alone');
			}
			box.appendChild(h);
			box.appendChild(el('div', 'txq', S[it[3]]));
			if (it[5] >= 0)
				box.appendChild(messages(M[it[5]]));
			it[6].forEach(function (r) {
				if (rowOk(r))
					box.appendChild(row(r, it[5]));
			});
			if (!it[6].length)
				box.appendChild(el('p', 'note', 'No stored results for this item.'));
			return box;
		}
		function filter() {
			var v = function (n) { return f.elements[n].value; };
			var st = v('subtask'), fl = f.elements.flagged.checked, q = v('q').trim().toLowerCase(), rows = 0;
			sel = { m: v('model') ? D.models.indexOf(v('model')) : -1, o: v('outcome') ? OUT.indexOf(v('outcome')) : -1 };
			match = [];
			D.items.forEach(function (it, i) {
				var n = 0;
				if ((st && S[it[1]] !== st) || (fl && !it[2]))
					return;
				if (q && S[it[0]].toLowerCase().indexOf(q) < 0 && S[it[3]].toLowerCase().indexOf(q) < 0)
					return;
				it[6].forEach(function (r) {
					if (rowOk(r))
						n++;
				});
				if ((sel.m >= 0 || sel.o >= 0) && !n)
					return;
				match.push(i);
				rows += n;
			});
			count.textContent = match.length + ' of ' + D.items.length + ' items, ' + rows + ' transcripts match';
			count.dataset.items = match.length;
			count.dataset.rows = rows;
		}
		function button(text, to, off) {
			var b = el('button', null, text);
			b.type = 'button';
			b.disabled = off;
			b.addEventListener('click', function () {
				page = to;
				render();
				pager.scrollIntoView();
			});
			pager.appendChild(b);
		}
		function render() {
			var n = Math.max(1, Math.ceil(match.length / PAGE)), from;
			if (page >= n)
				page = n - 1;
			from = page * PAGE;
			list.textContent = '';
			match.slice(from, from + PAGE).forEach(function (i) {
				list.appendChild(item(D.items[i]));
			});
			pager.textContent = '';
			button('\u00ab first', 0, page === 0);
			button('\u2039 previous', page - 1, page === 0);
			pager.appendChild(el('span', 'mut', match.length ? ' items ' + (from + 1) + '-' +
					     Math.min(from + PAGE, match.length) + ' of ' + match.length + ' (page ' + (page + 1) +
					     ' of ' + n + ') ' : ' no item matches '));
			button('next \u203a', page + 1, page >= n - 1);
			button('last \u00bb', n - 1, page >= n - 1);
		}
		/* #t-ID: the page holding that item (the filters cleared if they hide it) */
		function go() {
			var h, id, k, at;
			try {
				h = decodeURIComponent(location.hash.slice(1));
			} catch (e) {
				return;
			}
			if (h.indexOf('t-') !== 0)
				return;
			id = h.slice(2);
			for (k = 0; k < D.items.length && S[D.items[k][0]] !== id; k++)
				;
			if (k >= D.items.length)
				return;
			if ((at = match.indexOf(k)) < 0) {
				f.reset();
				filter();
				at = match.indexOf(k);
			}
			page = Math.floor(at / PAGE);
			render();
			d.getElementById('t-' + id).scrollIntoView();
		}
		f.addEventListener('change', function () {
			page = 0;
			filter();
			render();
		});
		f.addEventListener('input', function (e) {
			if (e.target.name === 'q') {
				page = 0;
				filter();
				render();
			}
		});
		f.addEventListener('submit', function (e) {
			e.preventDefault();
		});
		window.addEventListener('hashchange', go);
		filter();
		render();
		go();
	}

	/* one item's transcripts page: hide the rows (and items) the filters exclude */
	function staticFilter() {
		var apply = function () {
			var v = function (n) { return f.elements[n].value; };
			var s = v('subtask'), m = v('model'), o = v('outcome'), fl = f.elements.flagged.checked, shown = 0;
			d.querySelectorAll('.tx').forEach(function (t) {
				var any = false;
				if ((s && t.dataset.subtask !== s) || (fl && t.dataset.flagged !== '1')) {
					t.hidden = true;
					return;
				}
				t.querySelectorAll('.txr').forEach(function (r) {
					var ok = (!m || r.dataset.model === m) && (!o || r.dataset.outcome === o);
					r.hidden = !ok;
					if (ok)
						any = true;
				});
				t.hidden = !any;
				if (any)
					shown++;
			});
			d.getElementById('tcount').textContent = shown + ' items shown';
		};
		f.addEventListener('change', apply);
		apply();
	}

	if (f && data)
		viewer(JSON.parse(data.textContent));
	else if (f)
		staticFilter();
	if (d.body.dataset.keys === 'review') {
		d.addEventListener('keydown', function (e) {
			var id, x;
			if (e.ctrlKey || e.metaKey || e.altKey || (e.target.closest && e.target.closest('input,textarea,select')))
				return;
			id = { a: 'btn-accept', r: 'btn-reject', n: 'lnk-next', j: 'lnk-next', p: 'lnk-prev', k: 'lnk-prev' }[e.key];
			x = id && d.getElementById(id);
			if (x) {
				e.preventDefault();
				x.click();
			}
		});
	}
})();
