/* global document */
// The patient's questionnaire form: applies enableWhen as the patient answers. It mirrors
// src/modules/followup/questionnaire/enable-when.ts; the server checks every submission again, and without
// this script the form still works (the server re-renders the branches on save and submit).
(function () {
  'use strict';
  var form = document.querySelector('form[data-questionnaire]');
  if (!form) return;
  var items = Array.prototype.slice.call(form.querySelectorAll('[data-link-id]'));
  var byLinkId = {};
  items.forEach(function (el) { byLinkId[el.getAttribute('data-link-id')] = el; });

  function ownInputs(el) {
    return Array.prototype.filter.call(el.querySelectorAll('input, textarea, select'), function (input) {
      return input.closest('[data-link-id]') === el;
    });
  }

  function answersOf(linkId, enabled) {
    var el = byLinkId[linkId];
    if (!el || !enabled(linkId)) return [];
    var type = el.getAttribute('data-type');
    var out = [];
    ownInputs(el).forEach(function (input) {
      if ((input.type === 'radio' || input.type === 'checkbox') && !input.checked) return;
      var v = input.value;
      if (v === '') return;
      if (type === 'boolean') out.push(v === 'true');
      else if (type === 'integer' || type === 'decimal') { var n = Number(v); if (isFinite(n)) out.push(n); }
      else out.push(v);
    });
    return out;
  }

  function expectedOf(c) {
    if (c.answerCoding) return c.answerCoding.code;
    var keys = ['answerBoolean', 'answerDecimal', 'answerInteger', 'answerDate', 'answerDateTime', 'answerString'];
    for (var i = 0; i < keys.length; i++) if (c[keys[i]] !== undefined) return c[keys[i]];
    return undefined;
  }

  function holds(c, given) {
    if (c.operator === 'exists') return (given.length > 0) === c.answerBoolean;
    var expected = expectedOf(c);
    return given.some(function (a) {
      if (typeof a !== typeof expected && !(typeof a === 'string' && c.answerCoding)) return false;
      switch (c.operator) {
        case '=': return a === expected;
        case '!=': return a !== expected;
        case '>': return a > expected;
        case '<': return a < expected;
        case '>=': return a >= expected;
        case '<=': return a <= expected;
      }
      return false;
    });
  }

  function evaluate() {
    var memo = {};
    function enabled(linkId) {
      if (memo[linkId] !== undefined) return memo[linkId];
      memo[linkId] = false; // a cycle is refused at load; this only stops runaway recursion
      var el = byLinkId[linkId];
      var parent = el.parentElement && el.parentElement.closest('[data-link-id]');
      var result = !parent || enabled(parent.getAttribute('data-link-id'));
      var raw = el.getAttribute('data-enable-when');
      if (result && raw) {
        var conditions = JSON.parse(raw);
        var results = conditions.map(function (c) { return holds(c, answersOf(c.question, enabled)); });
        result = el.getAttribute('data-enable-behavior') === 'all' ? results.every(Boolean) : results.some(Boolean);
      }
      memo[linkId] = result;
      return result;
    }
    items.forEach(function (el) {
      var on = enabled(el.getAttribute('data-link-id'));
      el.hidden = !on;
      // Disabled inputs are not posted, so answers to switched-off questions never leave the phone.
      ownInputs(el).forEach(function (input) { input.disabled = !on; });
    });
  }

  form.addEventListener('change', evaluate);
  form.addEventListener('input', evaluate);
  evaluate();
})();
