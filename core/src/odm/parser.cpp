// Parser of model files (SPEC 1.5): one statement per line, '#' comments. Declarations are
// read first (parameters and states may be used before the line that declares them); helpers
// and updates are then read in file order, helpers being substituted where they are used.
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "model_ast.hpp"
#include "odynn/errors.hpp"

namespace odynn::detail::odm {

using GiNaC::ex;

static ex sigmoidDerivative(const ex& x, unsigned) { return sigmoid(x) * (1 - sigmoid(x)); }
static ex absoluteDerivative(const ex& x, unsigned) { return signum(x); }
static ex zeroDerivative(const ex&, unsigned) { return 0; }
static ex zeroDerivative2(const ex&, const ex&, unsigned) { return 0; }
// d max(x, y) = [x >= y] dx + [x < y] dy; d min(x, y) = [x < y] dx + [x >= y] dy (ties: x).
static ex maximumDerivative(const ex& x, const ex& y, unsigned i) {
    return i == 0 ? atLeast(x, y) : 1 - atLeast(x, y);
}
static ex minimumDerivative(const ex& x, const ex& y, unsigned i) {
    return i == 0 ? 1 - atLeast(x, y) : atLeast(x, y);
}
static ex phiDerivative(const ex& x, unsigned) { return dphi(x); }
// Numeric values, for currents evaluated after a run (currents.cpp).
static ex sigmoidEvalf(const ex& x) {
    return GiNaC::is_a<GiNaC::numeric>(x) ? ex(1 / (1 + GiNaC::exp(-x)).evalf()) : sigmoid(x).hold();
}
static ex absoluteEvalf(const ex& x) { return GiNaC::is_a<GiNaC::numeric>(x) ? ex(GiNaC::abs(x)) : absolute(x).hold(); }
static ex minimumEvalf(const ex& x, const ex& y) {
    if (!GiNaC::is_a<GiNaC::numeric>(x) || !GiNaC::is_a<GiNaC::numeric>(y)) return minimum(x, y).hold();
    return GiNaC::ex_to<GiNaC::numeric>(x) <= GiNaC::ex_to<GiNaC::numeric>(y) ? x : y;
}
static ex maximumEvalf(const ex& x, const ex& y) {
    if (!GiNaC::is_a<GiNaC::numeric>(x) || !GiNaC::is_a<GiNaC::numeric>(y)) return maximum(x, y).hold();
    return GiNaC::ex_to<GiNaC::numeric>(x) >= GiNaC::ex_to<GiNaC::numeric>(y) ? x : y;
}

REGISTER_FUNCTION(sigmoid, derivative_func(sigmoidDerivative).evalf_func(sigmoidEvalf))
REGISTER_FUNCTION(absolute, derivative_func(absoluteDerivative).evalf_func(absoluteEvalf))
REGISTER_FUNCTION(signum, derivative_func(zeroDerivative))
REGISTER_FUNCTION(minimum, derivative_func(minimumDerivative).evalf_func(minimumEvalf))
REGISTER_FUNCTION(maximum, derivative_func(maximumDerivative).evalf_func(maximumEvalf))
REGISTER_FUNCTION(atLeast, derivative_func(zeroDerivative2))
REGISTER_FUNCTION(phi, derivative_func(phiDerivative))
REGISTER_FUNCTION(dphi, derivative_func(zeroDerivative))

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

const std::set<std::string> reserved = {"model", "parameter", "state", "i_inj", "dt", "inf", "exp", "log", "sqrt",
                                        "abs", "tanh", "cosh", "sinh", "pow", "min", "max", "sigmoid"};

bool identStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A cursor over one line; columns count characters (UTF-8 continuation bytes are skipped).
class Line {
public:
    Line(const std::string& text, int number, const std::string& source) : s_(text), line_(number), source_(source) {
        // '#' inside a quoted description does not start a comment.
        bool quoted = false;
        size_t cut = std::string::npos;
        for (size_t i = 0; i < s_.size(); ++i) {
            if (s_[i] == '"') quoted = !quoted;
            if (s_[i] == '#' && !quoted) { cut = i; break; }
        }
        if (cut != std::string::npos) s_.resize(cut);
    }
    int lineNumber() const { return line_; }
    int column(size_t at) const {
        int c = 1;
        for (size_t i = 0; i < at && i < s_.size(); ++i)
            if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) ++c;
        return c;
    }
    int column() const { return column(p_); }
    size_t pos() const { return p_; }
    void skipSpace() {
        while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) ++p_;
    }
    bool atEnd() { skipSpace(); return p_ >= s_.size(); }
    char peek() { skipSpace(); return p_ < s_.size() ? s_[p_] : '\0'; }
    char peekRaw(size_t ahead) const { return p_ + ahead < s_.size() ? s_[p_ + ahead] : '\0'; }
    bool accept(char c) {
        if (peek() != c) return false;
        ++p_;
        return true;
    }
    [[noreturn]] void fail(const std::string& symbol, const std::string& message, std::optional<size_t> at = {}) const {
        throw InputError(source_, line_, column(at ? *at : p_), symbol, message);
    }
    void expect(char c, const std::string& what) {
        if (!accept(c)) fail(tokenHere(), "expected " + what);
    }
    std::string tokenHere() {
        skipSpace();
        size_t e = p_;
        while (e < s_.size() && !std::isspace(static_cast<unsigned char>(s_[e]))) ++e;
        return s_.substr(p_, e - p_);
    }
    bool peekIdent() { return identStart(peek()); }
    std::string ident(const std::string& what) {
        if (!peekIdent()) fail(tokenHere(), "expected " + what);
        const size_t b = p_;
        while (p_ < s_.size() && identChar(s_[p_])) ++p_;
        return s_.substr(b, p_ - b);
    }
    // A word of non-space characters (units such as uF/cm2).
    std::string word(const std::string& what) {
        const std::string w = tokenHere();
        if (w.empty() || w[0] == '"') fail(w, "expected " + what);
        p_ += w.size();
        return w;
    }
    bool peekNumber() {
        const char c = peek();
        return std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && std::isdigit(static_cast<unsigned char>(peekRaw(1))));
    }
    double number() {
        skipSpace();
        const char* begin = s_.c_str() + p_;
        char* end = nullptr;
        const double v = std::strtod(begin, &end);
        if (end == begin || !std::isfinite(v)) fail(tokenHere(), "expected a number");
        p_ += size_t(end - begin);
        return v;
    }
    // NUMBER, -NUMBER, inf or -inf.
    double bound(const std::string& what) {
        const bool negative = accept('-');
        double v;
        if (peekIdent()) {
            const size_t at = p_;
            if (ident(what) != "inf") fail(s_.substr(at, p_ - at), "expected " + what + " (a number, inf or -inf)", at);
            v = inf;
        } else if (peekNumber()) {
            v = number();
        } else {
            fail(tokenHere(), "expected " + what);
        }
        return negative ? -v : v;
    }
    bool peekString() { return peek() == '"'; }
    std::string string() {
        expect('"', "a quoted description");
        const size_t b = p_;
        while (p_ < s_.size() && s_[p_] != '"') ++p_;
        if (p_ >= s_.size()) fail("\"", "unterminated description", b - 1);
        return s_.substr(b, p_++ - b);
    }
    void expectEnd() {
        if (!atEnd()) fail(tokenHere(), "unexpected text at the end of the line");
    }
    const std::string& text() const { return s_; }
    void seek(size_t at) { p_ = at; }

private:
    std::string s_;
    size_t p_ = 0;
    int line_;
    const std::string& source_;
};

struct Symbols {
    std::map<std::string, ex> values;      // parameter / state symbols, helpers (their expression), i_inj, dt
    std::map<std::string, Location> declared;
};

class Parser {
public:
    Parser(ModelAst& ast) : ast_(ast) {}

    // An expression, with GiNaC's arithmetic errors (a constant divided by zero) reported at
    // the line.
    ex checkedExpression(Line& l) {
        l.skipSpace();
        const size_t at = l.pos();
        try {
            return expression(l);
        } catch (const InputError&) {
            throw;
        } catch (const std::exception& e) {
            l.fail(l.text().substr(at), std::string("cannot evaluate: ") + e.what(), at);
        }
    }

    ex expression(Line& l) {
        ex e = term(l);
        for (;;) {
            if (l.accept('+')) e = e + term(l);
            else if (l.accept('-')) e = e - term(l);
            else return e;
        }
    }

    Symbols symbols;

private:
    ex term(Line& l) {
        ex e = unary(l);
        for (;;) {
            if (l.accept('*')) e = e * unary(l);
            else if (l.peek() == '/') {
                l.accept('/');
                e = e / unary(l);
            } else return e;
        }
    }
    ex unary(Line& l) {
        if (l.accept('-')) return -unary(l);
        if (l.accept('+')) return unary(l);
        return power(l);
    }
    ex power(Line& l) {
        const ex base = primary(l);
        if (l.accept('^')) return GiNaC::pow(base, unary(l));
        return base;
    }
    ex primary(Line& l) {
        if (l.accept('(')) {
            const ex e = expression(l);
            l.expect(')', "')'");
            return e;
        }
        if (l.peekNumber()) return GiNaC::numeric(l.number());
        if (!l.peekIdent()) l.fail(l.tokenHere(), l.atEnd() ? "expected an expression" : "expected an expression");
        const size_t at = l.pos();
        const std::string name = l.ident("a name");
        if (l.peek() == '(') return call(l, name, at);
        const auto it = symbols.values.find(name);
        if (it == symbols.values.end()) {
            if (name == "inf") l.fail(name, "inf is only allowed in bounds", at);
            l.fail(name, "unknown symbol '" + name + "'", at);
        }
        return it->second;
    }
    ex call(Line& l, const std::string& name, size_t at) {
        static const std::map<std::string, int> arity = {{"exp", 1},  {"log", 1},  {"sqrt", 1}, {"abs", 1},
                                                         {"tanh", 1}, {"cosh", 1}, {"sinh", 1}, {"pow", 2},
                                                         {"min", 2},  {"max", 2},  {"sigmoid", 1}};
        const auto f = arity.find(name);
        if (f == arity.end()) l.fail(name, "unknown function '" + name + "'", at);
        l.expect('(', "'('");
        std::vector<ex> args{expression(l)};
        while (l.accept(',')) args.push_back(expression(l));
        l.expect(')', "')'");
        if (int(args.size()) != f->second)
            l.fail(name, name + " takes " + std::to_string(f->second) + " argument" + (f->second > 1 ? "s" : ""), at);
        const ex& x = args[0];
        if (name == "exp") return GiNaC::exp(x);
        if (name == "log") return GiNaC::log(x);
        if (name == "sqrt") return GiNaC::sqrt(x);
        if (name == "abs") return absolute(x);
        if (name == "tanh") return GiNaC::tanh(x);
        if (name == "cosh") return GiNaC::cosh(x);
        if (name == "sinh") return GiNaC::sinh(x);
        if (name == "pow") return GiNaC::pow(x, args[1]);
        if (name == "min") return minimum(x, args[1]);
        if (name == "max") return maximum(x, args[1]);
        return sigmoid(x);
    }

    ModelAst& ast_;
};

// Claims a name for a declaration, rejecting reserved and duplicate names.
void declare(Symbols& sym, Line& l, const std::string& name, size_t at) {
    if (reserved.count(name)) l.fail(name, "'" + name + "' is reserved", at);
    const auto it = sym.declared.find(name);
    if (it != sym.declared.end())
        l.fail(name, "duplicate name '" + name + "' (first declared on line " + std::to_string(it->second.line) + ")", at);
    sym.declared[name] = {l.lineNumber(), l.column(at)};
}

// The kind of a statement, read from its first tokens.
enum class Statement { Model, Parameter, State, Derivative, Map, Helper };

Statement classify(Line& l) {
    const size_t start = l.pos();
    if (!l.peekIdent()) l.fail(l.tokenHere(), "expected a statement (model, parameter, state, a helper or an update)");
    const std::string first = l.ident("a name");
    Statement kind = Statement::Helper;
    if (first == "model" && l.peekIdent()) kind = Statement::Model;
    else if (first == "parameter" && l.peekIdent()) kind = Statement::Parameter;
    else if (first == "state" && l.peekIdent()) kind = Statement::State;
    else if (l.peek() == '\'') kind = Statement::Map;
    else if (first.size() > 1 && first[0] == 'd' && l.peek() == '/') {
        const size_t slash = l.pos();
        l.accept('/');
        if (l.peekIdent() && l.ident("dt") == "dt" && l.peek() == '=') kind = Statement::Derivative;
        l.seek(slash);
    }
    l.seek(start);
    return kind;
}

}  // namespace

ModelAst parseModel(const std::string& text, const std::string& source) {
    ModelAst ast;
    ast.source = source;
    std::vector<Line> lines;
    {
        std::istringstream in(text);
        std::string s;
        int n = 0;
        while (std::getline(in, s)) {
            if (!s.empty() && s.back() == '\r') s.pop_back();
            lines.emplace_back(s, ++n, ast.source);
        }
    }
    Parser parser(ast);
    Symbols& sym = parser.symbols;
    sym.values["i_inj"] = ast.iInj;
    sym.values["dt"] = ast.dt;
    ModelSpec& spec = ast.spec;
    bool haveModel = false;
    int voltage = -1, calcium = -1;
    Location voltageAt;

    // Pass 1: model, parameter and state declarations.
    for (Line& l : lines) {
        if (l.atEnd()) continue;
        const Statement kind = classify(l);
        if (kind == Statement::Model) {
            l.ident("model");
            if (haveModel) l.fail("model", "a second model line");
            l.skipSpace();
            const size_t at = l.pos();
            spec.name = l.ident("the model's name");
            if (reserved.count(spec.name)) l.fail(spec.name, "'" + spec.name + "' is reserved", at);
            if (l.peekString()) spec.description = l.string();
            l.expectEnd();
            haveModel = true;
        } else if (kind == Statement::Parameter) {
            l.ident("parameter");
            l.skipSpace();
            const size_t at = l.pos();
            ParamSpec p{l.ident("a parameter name"), 0, 0, 0, -inf, inf, "", ""};
            declare(sym, l, p.name, at);
            l.expect('=', "'=' and the default value");
            p.defaultValue = l.bound("the default value");
            if (!std::isfinite(p.defaultValue)) l.fail(p.name, "the default value must be finite", at);
            bool haveRandom = false, haveBounds = false, haveUnit = false, haveDescription = false;
            while (!l.atEnd()) {
                if (l.peekString()) {
                    if (haveDescription) l.fail(l.tokenHere(), "a second description");
                    p.description = l.string();
                    haveDescription = true;
                    continue;
                }
                const size_t optAt = l.pos();
                const std::string option = l.peekIdent() ? l.ident("an option") : l.tokenHere();
                if (option == "bounds" && !haveBounds) {
                    p.lowerBound = l.bound("the lower bound");
                    p.upperBound = l.bound("the upper bound");
                    if (!(p.lowerBound <= p.upperBound)) l.fail(p.name, "lower bound above upper bound", optAt);
                    haveBounds = true;
                } else if (option == "random" && !haveRandom) {
                    p.randomLow = l.bound("the low end of the random range");
                    p.randomHigh = l.bound("the high end of the random range");
                    if (!std::isfinite(p.randomLow) || !std::isfinite(p.randomHigh) || p.randomLow > p.randomHigh)
                        l.fail(p.name, "the random range needs finite LO <= HI", optAt);
                    haveRandom = true;
                } else if (option == "unit" && !haveUnit) {
                    p.unit = l.word("a unit");
                    haveUnit = true;
                } else {
                    l.fail(option, "expected bounds, random, unit or a quoted description", optAt);
                }
            }
            if (!haveRandom) {
                const bool finite = std::isfinite(p.lowerBound) && std::isfinite(p.upperBound);
                p.randomLow = finite ? p.lowerBound : p.defaultValue;
                p.randomHigh = finite ? p.upperBound : p.defaultValue;
            }
            if (p.defaultValue < p.lowerBound || p.defaultValue > p.upperBound)
                l.fail(p.name, "the default value lies outside the bounds", at);
            ast.paramSymbols.emplace_back(p.name);
            sym.values[p.name] = ast.paramSymbols.back();
            spec.params.push_back(std::move(p));
        } else if (kind == Statement::State) {
            l.ident("state");
            l.skipSpace();
            const size_t at = l.pos();
            StateDecl s;
            s.name = l.ident("a state name");
            s.at = {l.lineNumber(), l.column(at)};
            declare(sym, l, s.name, at);
            l.expect('=', "'=' and the initial value");
            s.initial = l.bound("the initial value");
            if (!std::isfinite(s.initial)) l.fail(s.name, "the initial value must be finite", at);
            bool haveUnit = false, haveDescription = false, haveRole = false;
            const int index = int(ast.states.size());
            while (!l.atEnd()) {
                if (l.peekString()) {
                    if (haveDescription) l.fail(l.tokenHere(), "a second description");
                    s.description = l.string();
                    haveDescription = true;
                    continue;
                }
                const size_t optAt = l.pos();
                const std::string option = l.peekIdent() ? l.ident("an option") : l.tokenHere();
                if ((option == "voltage" || option == "calcium") && !haveRole) {
                    int& role = option == "voltage" ? voltage : calcium;
                    if (role >= 0)
                        l.fail(s.name, "a second state marked " + option + " (first: " + ast.states[role].name + ")", optAt);
                    role = index;
                    if (option == "voltage") voltageAt = s.at;
                    haveRole = true;
                } else if (option == "unit" && !haveUnit) {
                    s.unit = l.word("a unit");
                    haveUnit = true;
                } else {
                    l.fail(option, "expected voltage, calcium, unit or a quoted description", optAt);
                }
            }
            ast.stateSymbols.emplace_back(s.name);
            sym.values[s.name] = ast.stateSymbols.back();
            ast.states.push_back(std::move(s));
        }
    }
    const std::string where = ast.source;
    if (!haveModel) throw InputError(where, 1, 1, "model", "missing 'model NAME' line");
    if (ast.states.empty()) throw InputError(where, 1, 1, "state", "the model has no state");
    if (voltage < 0) throw InputError(where, ast.states[0].at.line, ast.states[0].at.column, "voltage",
                                      "no state is marked voltage");

    // Pass 2: helpers and updates, in file order.
    std::vector<int> updatedOn(ast.states.size(), 0);
    for (Line& l : lines) {
        if (l.atEnd()) continue;
        const Statement kind = classify(l);
        if (kind == Statement::Model || kind == Statement::Parameter || kind == Statement::State) continue;
        l.skipSpace();
        const size_t at = l.pos();
        std::string name = l.ident("a name");
        if (kind == Statement::Helper) {
            declare(sym, l, name, at);
            l.expect('=', "'=' (a helper NAME = EXPRESSION, or an update NAME' = or dNAME/dt =)");
            const ex value = parser.checkedExpression(l);
            l.expectEnd();
            sym.values[name] = value;
            ast.helpers.emplace_back(name, value);
            continue;
        }
        Update u;
        u.method = kind == Statement::Map ? Method::Map : Method::Implicit;
        size_t nameAt = at;
        if (kind == Statement::Derivative) {
            name = name.substr(1);
            nameAt = at + 1;
            l.expect('/', "'/dt'");
            l.ident("dt");
        } else {
            l.expect('\'', "'");
        }
        int state = -1;
        for (size_t i = 0; i < ast.states.size(); ++i)
            if (ast.states[i].name == name) state = int(i);
        if (state < 0) {
            const bool known = sym.values.count(name) > 0;
            l.fail(name, known ? "'" + name + "' is not a state; only states have update lines"
                               : "unknown state '" + name + "'", nameAt);
        }
        if (updatedOn[state] > 0)
            l.fail(name, "a second update of state '" + name + "' (first on line " + std::to_string(updatedOn[state]) + ")",
                   nameAt);
        updatedOn[state] = l.lineNumber();
        l.expect('=', "'='");
        u.state = state;
        u.at = {l.lineNumber(), l.column(nameAt)};
        u.rhs = parser.checkedExpression(l);
        if (l.accept(':')) {
            l.skipSpace();
            const size_t methodAt = l.pos();
            const std::string method = l.peekIdent() ? l.ident("a method") : l.tokenHere();
            if (kind != Statement::Derivative) l.fail(method, "a method applies only to dNAME/dt updates", methodAt);
            if (method == "implicit") u.method = Method::Implicit;
            else if (method == "exponential") u.method = Method::Exponential;
            else if (method == "euler") u.method = Method::Euler;
            else l.fail(method, "unknown method '" + method + "' (implicit, exponential or euler)", methodAt);
        }
        l.expectEnd();
        ast.updates.push_back(std::move(u));
    }
    for (size_t i = 0; i < ast.states.size(); ++i)
        if (updatedOn[i] == 0)
            throw InputError(where, ast.states[i].at.line, ast.states[i].at.column, ast.states[i].name,
                             "state '" + ast.states[i].name + "' has no update line");

    for (const StateDecl& s : ast.states) {
        spec.stateNames.push_back(s.name);
        spec.initialState.push_back(s.initial);
    }
    spec.voltageIndex = voltage;
    spec.calciumIndex = calcium;
    spec.source = text;
    return ast;
}

}  // namespace odynn::detail::odm
