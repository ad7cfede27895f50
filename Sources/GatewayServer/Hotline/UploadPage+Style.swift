extension UploadPage {
    /// `GET /upload.css`: the page's styles, served as a file so the Content-Security-Policy needs no 'unsafe-inline'.
    static let stylesheet = #"""
          body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
          h1 { font-size: 1.4rem; }
          fieldset { border: 1px solid #ccc; border-radius: 6px; margin-bottom: 1rem; }
          label { margin-right: 1rem; }
          #drop { border: 2px dashed #888; border-radius: 8px; padding: 2rem; text-align: center; margin: 1rem 0; cursor: pointer; }
          #drop.over { background: #eef6ff; border-color: #2a6ebb; }
          progress { width: 100%; height: 1.2rem; }
          table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
          th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
          .counts span { display: inline-block; margin-right: 1.5rem; font-size: 1.1rem; }
          #drop:focus, #drop:focus-within { outline: 3px solid #2a6ebb; outline-offset: 2px; }
          .error { color: #b00020; }
          .warn { color: #8a5a00; font-weight: 600; }
          .hidden { display: none; }
          .picker { position: absolute; width: 1px; height: 1px; opacity: 0; }
          button { padding: .4rem 1rem; }
          h2 button { font-size: .8rem; margin-left: 1rem; padding: .2rem .6rem; }
          #uploads td.number { text-align: right; }
          #uploads .why { color: #b00020; font-size: .85rem; }
        """#
}
